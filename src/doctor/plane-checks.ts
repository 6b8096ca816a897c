/**
 * The preflight checks of the commands that touch one domain's account (`mesh personalize train | deploy | rollback`,
 * `mesh transform`): the lock table bootstrap makes, the domain's roles, the Personalize service role and its S3
 * access, the buckets a run writes to. Read calls only; each failure names its fix (`manual` when `mesh bootstrap`
 * does not make that resource).
 */
import type { AwsClients } from '../aws/clients.js';
import { isAwsError } from '../aws/errors.js';
import { LOCK_TABLE } from '../lock/port.js';
import { bucketPolicy, PERSONALIZE_PRINCIPAL, trustPolicy } from '../personalize/aws/policies.js';
import type { AccountAccess, Domain, Workspace } from '../workspace/model.js';
import { attempt, type Check, type CheckResult } from './checks.js';
import { type PolicyDocumentText, policyGrants, trustsService } from './policy-reading.js';

const PERSONALIZE = PERSONALIZE_PRINCIPAL;
const GLUE = 'glue.amazonaws.com';

/** The lock table in the central account: without it the lock's first use would create it (a change). */
export function lockTableCheck(ws: Workspace, clients: AwsClients): Check {
  return () =>
    attempt(
      'lock table (central)',
      async () => {
        const { DynamoDBClient, DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
        const db = await clients.get(DynamoDBClient, ws.mesh.central);
        try {
          const t = await db.send(new DescribeTableCommand({ TableName: LOCK_TABLE }));
          return `${LOCK_TABLE} ${t.Table?.TableStatus ?? ''}`.trim();
        } catch (error) {
          if (isAwsError(error, 'ResourceNotFoundException')) throw new Error(`the table ${LOCK_TABLE} does not exist`);
          throw error;
        }
      },
      `Create it with mesh bootstrap (a DynamoDB table ${LOCK_TABLE} in account ${ws.mesh.central.account}, hash key lockKey (S), TTL on expires).`,
    );
}

/**
 * The domain's role exists (Lake Formation grants to it); with `glue`, a Glue transform runs as it, so its trust
 * policy must let glue.amazonaws.com assume it (`mesh bootstrap` adds that for domains with glue-engine transforms).
 */
export function domainRoleCheck(clients: AwsClients, domain: Domain, options: { readonly glue?: boolean } = {}): Check {
  // A role the domain file names (roleName) is the team's own: bootstrap neither makes nor changes its trust.
  const bootstrapMakes = domain.roleName === `mesh-${domain.name}`;
  let fix = `Create it with mesh bootstrap, or name an existing role as roleName in ${domain.file}.`;
  let byHand = false;
  const check: Check = async () =>
    attempt(
      `domain role ${domain.name}`,
      async () => {
        const { IAMClient, GetRoleCommand } = await import('@aws-sdk/client-iam');
        const iam = await clients.get(IAMClient, domain.access);
        let role: { Arn?: string; AssumeRolePolicyDocument?: string } | undefined;
        try {
          role = (await iam.send(new GetRoleCommand({ RoleName: domain.roleName }))).Role;
        } catch (error) {
          if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity'))
            throw new Error(`the role ${domain.roleName} does not exist in account ${domain.access.account}`);
          throw error;
        }
        const arn = role?.Arn ?? domain.roleName;
        if (!options.glue) return arn;
        if (!trustsService(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ''), GLUE)) {
          byHand = !bootstrapMakes;
          const statement = `{"Effect":"Allow","Principal":{"Service":"${GLUE}"},"Action":"sts:AssumeRole"}`;
          fix = `Add this statement to the trust policy of ${domain.roleName}${bootstrapMakes ? '' : ` (roleName in ${domain.file})`}: ${statement} (aws iam update-assume-role-policy --role-name ${domain.roleName}).`;
          throw new Error(`the role ${domain.roleName} does not trust ${GLUE}, so the domain's Glue jobs cannot run as it`);
        }
        return `${arn}, trusted by ${GLUE}`;
      },
      () => fix,
    );
  return async () => {
    const r = await check();
    return byHand ? manual(r) : r;
  };
}

/** HeadBucket of `bucket` in `access`'s account, with the run's clients. */
export function bucketExistsCheck(clients: AwsClients, name: string, access: AccountAccess, bucket: string, fix: string): Check {
  return async () =>
    manual(
      await attempt(
        name,
        async () => {
          const { S3Client, HeadBucketCommand } = await import('@aws-sdk/client-s3');
          const s3 = await clients.get(S3Client, access);
          try {
            await s3.send(new HeadBucketCommand({ Bucket: bucket }));
          } catch (error) {
            if (isAwsError(error, 'NotFound', 'NoSuchBucket'))
              throw new Error(`the bucket ${bucket} does not exist in account ${access.account}`);
            throw error;
          }
          return `s3://${bucket}`;
        },
        fix,
      ),
    );
}

/** A bucket product files ask mesh to manage (customProperties `bucket: { managed: true }`) exists: `mesh bootstrap` makes it. */
export function managedBucketCheck(
  clients: AwsClients,
  b: { readonly bucket: string; readonly domain: Domain; readonly products: readonly string[] },
): Check {
  return () =>
    attempt(
      `managed bucket ${b.bucket} (${b.domain.name})`,
      async () => {
        const { S3Client, HeadBucketCommand } = await import('@aws-sdk/client-s3');
        const s3 = await clients.get(S3Client, b.domain.access);
        try {
          await s3.send(new HeadBucketCommand({ Bucket: b.bucket, ExpectedBucketOwner: b.domain.access.account }));
        } catch (error) {
          if (isAwsError(error, 'NotFound', 'NoSuchBucket'))
            throw new Error(
              `the bucket ${b.bucket} that ${b.products.join(', ')} ask${b.products.length === 1 ? 's' : ''} mesh to manage does not exist yet`,
            );
          throw error;
        }
        return `s3://${b.bucket}`;
      },
      `Create it with mesh bootstrap (in account ${b.domain.access.account}, public access blocked, default encryption, versioning).`,
    );
}

/** What the Personalize checks need of a domain's personalize.yaml. */
export interface PersonalizeTarget {
  readonly domain: Domain;
  /** aws.roleArn, filled in; undefined when not set. */
  readonly roleArn: string | undefined;
  readonly bucket: string;
  /** Where the CSVs go under the bucket (aws.prefix/<domain>/). */
  readonly keyPrefix: string;
  /** The personalize.yaml (named in the fixes). */
  readonly file: string;
}

const trustDocument = trustPolicy();

function s3ReadPolicy(bucket: string, keyPrefix: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/${keyPrefix}*` },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
    ],
  });
}

/** Every identity policy of a role: its inline policies and the default version of each attached managed policy. */
async function rolePolicies(clients: AwsClients, access: AccountAccess, roleName: string): Promise<PolicyDocumentText[]> {
  const iamModule = await import('@aws-sdk/client-iam');
  const iam = await clients.get(iamModule.IAMClient, access);
  const docs: PolicyDocumentText[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new iamModule.ListRolePoliciesCommand({ RoleName: roleName, ...(marker ? { Marker: marker } : {}) }));
    for (const name of page.PolicyNames ?? []) {
      const p = await iam.send(new iamModule.GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      if (p.PolicyDocument) docs.push({ name, document: decodeURIComponent(p.PolicyDocument) });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(
      new iamModule.ListAttachedRolePoliciesCommand({ RoleName: roleName, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const attached of page.AttachedPolicies ?? []) {
      if (!attached.PolicyArn) continue;
      const policy = (await iam.send(new iamModule.GetPolicyCommand({ PolicyArn: attached.PolicyArn }))).Policy;
      if (!policy?.DefaultVersionId) continue;
      const version = await iam.send(
        new iamModule.GetPolicyVersionCommand({ PolicyArn: attached.PolicyArn, VersionId: policy.DefaultVersionId }),
      );
      const text = version.PolicyVersion?.Document;
      if (text) docs.push({ name: attached.PolicyName ?? attached.PolicyArn, document: decodeURIComponent(text) });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return docs;
}

/**
 * The Personalize service role (aws.roleArn): it exists, trusts personalize.amazonaws.com, and its policies let it
 * read the CSVs (s3:GetObject under the prefix, s3:ListBucket on the bucket); and the bucket's policy lets
 * Personalize read them too (AWS asks for both).
 */
export function personalizeChecks(clients: AwsClients, p: PersonalizeTarget): Check[] {
  const who = `personalize service role (${p.domain.name})`;
  const roleName = p.roleArn?.split('/').pop() ?? '';
  const createRole = `aws iam create-role --role-name ${roleName || '<name>'} --assume-role-policy-document '${trustDocument}'`;
  const putPolicy = `aws iam put-role-policy --role-name ${roleName || '<name>'} --policy-name mesh-personalize-s3 --policy-document '${s3ReadPolicy(p.bucket, p.keyPrefix)}'`;
  const roleCheck: Check = async () => {
    if (!p.roleArn) {
      return {
        name: who,
        ok: false,
        status: 'failed',
        manual: true,
        detail: `aws.roleArn is not set in ${p.file}`,
        fix: `Create a role trusted by ${PERSONALIZE} (${createRole}), allow it to read the CSVs (${putPolicy}), and set aws.roleArn in ${p.file}.`,
      };
    }
    let fix = `Create it in account ${p.domain.access.account}: ${createRole}; then ${putPolicy}.`;
    return manual(
      await attempt(
        who,
        async () => {
          const { IAMClient, GetRoleCommand } = await import('@aws-sdk/client-iam');
          const iam = await clients.get(IAMClient, p.domain.access);
          let trust: string;
          try {
            trust = decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.AssumeRolePolicyDocument ?? '');
          } catch (error) {
            if (isAwsError(error, 'NoSuchEntityException', 'NoSuchEntity'))
              throw new Error(`the role ${p.roleArn} (aws.roleArn in ${p.file}) does not exist`);
            throw error;
          }
          if (!trustsService(trust, PERSONALIZE)) {
            fix = `Set its trust policy: aws iam update-assume-role-policy --role-name ${roleName} --policy-document '${trustDocument}'.`;
            throw new Error(`the role ${p.roleArn} does not trust ${PERSONALIZE}, so Personalize cannot assume it`);
          }
          const docs = await rolePolicies(clients, p.domain.access, roleName);
          const missing = [
            ...(policyGrants(docs, 's3:GetObject', `arn:aws:s3:::${p.bucket}/${p.keyPrefix}interactions/data.csv`) ? [] : ['s3:GetObject']),
            ...(policyGrants(docs, 's3:ListBucket', `arn:aws:s3:::${p.bucket}`) ? [] : ['s3:ListBucket']),
          ];
          if (missing.length > 0) {
            fix = `Allow it to read the CSVs: ${putPolicy}.`;
            throw new Error(
              `the role ${p.roleArn} is not allowed ${missing.join(' and ')} on s3://${p.bucket}/${p.keyPrefix} (${docs.length} polic${docs.length === 1 ? 'y' : 'ies'} read)`,
            );
          }
          return `${p.roleArn}: trusted by ${PERSONALIZE}, reads s3://${p.bucket}/${p.keyPrefix}`;
        },
        () => fix,
      ),
    );
  };
  const bucketCheckOf: Check = async () => {
    let fix = `Attach this bucket policy: aws s3api put-bucket-policy --bucket ${p.bucket} --policy '${bucketPolicy(p.bucket)}'.`;
    return manual(
      await attempt(
        `personalize bucket (${p.domain.name})`,
        async () => {
          const { S3Client, GetBucketPolicyCommand } = await import('@aws-sdk/client-s3');
          const s3 = await clients.get(S3Client, p.domain.access);
          let policy: string;
          try {
            policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: p.bucket }))).Policy ?? '';
          } catch (error) {
            if (isAwsError(error, 'NoSuchBucket')) {
              fix = `Create it in ${p.domain.access.region} (aws s3 mb s3://${p.bucket}) with the policy ${bucketPolicy(p.bucket)}, or set aws.bucket in ${p.file}.`;
              throw new Error(`the bucket ${p.bucket} does not exist in account ${p.domain.access.account}`);
            }
            if (isAwsError(error, 'NoSuchBucketPolicy'))
              throw new Error(`the bucket ${p.bucket} has no policy, so Personalize cannot read the CSVs`);
            throw error;
          }
          const missing = ['s3:GetObject', 's3:ListBucket'].filter((action) => {
            const resource = action === 's3:ListBucket' ? `arn:aws:s3:::${p.bucket}` : `arn:aws:s3:::${p.bucket}/${p.keyPrefix}x.csv`;
            return !policyGrants([{ name: 'bucket policy', document: policy }], action, resource, PERSONALIZE);
          });
          if (missing.length > 0)
            throw new Error(`the policy of bucket ${p.bucket} does not allow ${PERSONALIZE} ${missing.join(' and ')}`);
          return `s3://${p.bucket}: readable by ${PERSONALIZE}`;
        },
        () => fix,
      ),
    );
  };
  return [roleCheck, bucketCheckOf];
}

/** Marks a failed result as fixed by hand: mesh bootstrap does not make that resource. */
function manual(r: CheckResult): CheckResult {
  return r.ok || r.status === 'skipped' ? r : { ...r, manual: true };
}
