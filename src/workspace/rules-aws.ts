/** AWS identifiers in mesh.yaml and the domain files: account ids, regions, role and MSK cluster ARNs. */
import { closestMatch } from '../core/errors.js';
import { AWS_REGIONS, isAccountId, isRegion, isRoleArn, parseMskClusterArn } from './aws-ids.js';
import { type PathSegment, ProblemCode } from './problems.js';
import type { Reporter } from './reporter.js';
import type { Rule } from './rule.js';
import type { SourceFile } from './yaml-source.js';

function checkAccess(
  report: Reporter,
  source: SourceFile,
  at: PathSegment[],
  access: { account: string; region: string; roleArn?: string; profile?: string },
  regionWritten: boolean,
): void {
  if (!isAccountId(access.account)) {
    report.at(source, [...at, 'account'], ProblemCode.InvalidAccountId, `"${access.account}" is not an AWS account id (12 digits).`, {
      hint:
        access.account.length < 12 && /^\d+$/.test(access.account)
          ? 'Quote account ids in YAML ("012345678901") so leading zeros survive.'
          : undefined,
    });
  }
  if (regionWritten && !isRegion(access.region)) {
    const near = closestMatch(access.region, AWS_REGIONS);
    report.at(source, [...at, 'region'], ProblemCode.UnknownRegion, `"${access.region}" is not an AWS region.`, {
      hint: near ? `Did you mean "${near}"?` : 'Use a code such as us-east-1.',
    });
  }
  if (access.roleArn !== undefined && !isRoleArn(access.roleArn)) {
    report.at(source, [...at, 'roleArn'], ProblemCode.InvalidArn, `"${access.roleArn}" is not an IAM role ARN.`, {
      hint: 'Write arn:aws:iam::<12-digit account>:role/<name>.',
    });
  }
  if (access.roleArn !== undefined && access.profile !== undefined) {
    report.at(source, [...at, 'roleArn'], ProblemCode.InvalidValue, 'Both profile and roleArn are set; mesh uses the role.', {
      severity: 'warning',
    });
  }
}

export const awsIdentifiersValid: Rule = ({ mesh, domains }, report) => {
  const central = mesh.config.central;
  checkAccess(report, mesh.source, ['centralCatalog'], central, true);
  if (mesh.config.streaming.kind === 'msk') {
    const arn = parseMskClusterArn(mesh.config.streaming.clusterArn);
    if (!arn || !isRegion(arn.region)) {
      report.at(
        mesh.source,
        ['streaming', 'clusterArn'],
        ProblemCode.InvalidArn,
        `"${mesh.config.streaming.clusterArn}" is not an MSK cluster ARN.`,
        {
          hint: 'Write arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>, as `aws kafka list-clusters-v2` shows it.',
        },
      );
    }
  }
  for (const entry of domains) checkAccess(report, entry.source, [], entry.domain.access, entry.raw.region !== undefined);
};
