// The domain role of a domain whose transforms run as Glue jobs (engine: glue), as `mesh bootstrap` writes it: Glue
// may assume it (Glue's documented service-role trust), it reads the job's script and writes
// the job's output exactly where src/transforms/render-aws.ts puts them (and nowhere else), it passes parliament,
// domains without Glue transforms do not trust Glue, and the CloudFormation template holds the same role and passes
// cfn-lint.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { desiredBootstrap } from '../../src/bootstrap/desired.js';
import type { BootstrapSpec } from '../../src/bootstrap/port.js';
import { writeBootstrapTemplates } from '../../src/bootstrap/template.js';
import { policyGrants, trustsService } from '../../src/doctor/policy-reading.js';
import { renderGlueJob } from '../../src/transforms/render-aws.js';
import { musicFixture } from '../catalog/fixtures.js';
import { ROOT } from '../cli/run-cli.js';
import { parliament, unexplained } from '../conformance/parliament.js';
import { GLUE_DOMAIN, glueTransform, withGlueTransform } from './glue-fixture.js';

const fx = musicFixture({ target: 'aws', bucket: 'music-data' });
const ws = withGlueTransform(fx.workspace);
const U = fx.accounts.consumer;
const out = mkdtempSync(path.join(os.tmpdir(), 'mesh-glue-role-'));
afterAll(() => {
  fx.cleanup();
  rmSync(out, { recursive: true, force: true });
});

type Role = BootstrapSpec & { kind: 'iam-role' };
const roles = () =>
  desiredBootstrap(ws, 'arn:aws:iam::111111111111:role/MeshAdmin').flatMap(({ spec }) => (spec.kind === 'iam-role' ? [spec] : []));
const roleOf = (name: string): Role => {
  const r = roles().find((x) => x.name === name);
  if (!r) throw new Error(`no desired role ${name}`);
  return r;
};
const text = (doc: unknown) => [{ name: 'policy', document: JSON.stringify(doc) }];

describe('the domain role of a domain with Glue transforms', () => {
  it('is trusted by glue.amazonaws.com, besides the declared principals', () => {
    const trust = roleOf(`mesh-${GLUE_DOMAIN}`).trust;
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${U}:root`] }, Action: 'sts:AssumeRole' },
      {
        Sid: 'GlueJobs',
        Effect: 'Allow',
        Principal: { Service: 'glue.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    // Domains without Glue transforms: not trusted by Glue.
    for (const name of ['mesh-music', 'mesh-listeners', 'mesh-podcasts'])
      expect(trustsService(JSON.stringify(roleOf(name).trust), 'glue.amazonaws.com')).toBe(false);
  });

  it('reads the job script and writes its output where the transform plane puts them, and nothing else', () => {
    const domain = ws.domains.find((d) => d.name === GLUE_DOMAIN);
    if (!domain) throw new Error('no glue domain');
    const job = renderGlueJob(ws, domain, glueTransform(ws));
    const policy = text(roleOf(`mesh-${GLUE_DOMAIN}`).policy);
    const arn = (uri: string) => `arn:aws:s3:::${uri.replace(/^s3:\/\//, '')}`;
    expect(job.scriptLocation).toMatch(/^s3:\/\/music-recommendations-\d{12}\/transforms\/recommendations\/items\/job\.py$/);
    expect(policyGrants(policy, 's3:GetObject', arn(job.scriptLocation))).toBe(true);
    expect(policyGrants(policy, 's3:PutObject', arn(job.scriptLocation))).toBe(false);
    expect(policyGrants(policy, 's3:PutObject', arn(`${job.outputLocation}part-00000.csv`))).toBe(true);
    expect(policyGrants(policy, 's3:DeleteObject', arn(`${job.outputLocation}part-00000.csv`))).toBe(true);
    // Another domain's transforms in the same bucket, or another bucket: out of reach.
    const bucket = job.scriptLocation.split('/')[2];
    expect(policyGrants(policy, 's3:GetObject', `arn:aws:s3:::${bucket}/transforms/music/x/job.py`)).toBe(false);
    expect(policyGrants(policy, 's3:PutObject', `arn:aws:s3:::other-bucket/transforms/recommendations/items/output/x`)).toBe(false);
    // The job's logs, in Glue's log groups of the domain's account and region.
    expect(policyGrants(policy, 'logs:PutLogEvents', `arn:aws:logs:us-east-1:${U}:log-group:/aws-glue/jobs/output:log-stream:jr_1`)).toBe(
      true,
    );
    // The catalog it reads through the resource links (domain account) and the tables behind them (central).
    expect(policyGrants(policy, 'glue:GetTable', `arn:aws:glue:us-east-1:${fx.accounts.central}:table/music_music/songs`)).toBe(true);
    // A domain without Glue transforms gets no S3 or logs access.
    const music = JSON.stringify(roleOf('mesh-music').policy);
    expect(music).not.toContain('s3:');
    expect(music).not.toContain('logs:');
  });

  it('passes parliament (trust and permissions)', () => {
    const r = roleOf(`mesh-${GLUE_DOMAIN}`);
    const findings = parliament({ [`role ${r.name} trust`]: r.trust, [`role ${r.name} policy`]: r.policy });
    expect(unexplained(findings, { [`role ${r.name} trust`]: 'trust', [`role ${r.name} policy`]: 'identity' })).toEqual([]);
  });

  it('the CloudFormation template holds the same role, and passes cfn-lint', async () => {
    const files = await writeBootstrapTemplates(ws, out, 'json');
    const file = files.find((f) => f.endsWith(`mesh-bootstrap-${U}.json`));
    if (!file) throw new Error(`no template for ${U}: ${files.join(', ')}`);
    const template = JSON.parse(readFileSync(file, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const role = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === `mesh-${GLUE_DOMAIN}`,
    );
    const spec = roleOf(`mesh-${GLUE_DOMAIN}`);
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual(spec.trust);
    expect(role?.Properties.Policies).toEqual([{ PolicyName: 'mesh-bootstrap', PolicyDocument: spec.policy }]);
    const lint = path.join(ROOT, '.services', 'venv', 'bin', 'cfn-lint');
    if (!existsSync(lint)) throw new Error(`cfn-lint is not installed at ${path.relative(ROOT, lint)}: run node scripts/services.mjs.`);
    const run = spawnSync(lint, ['--format', 'parseable', '--', ...files], { encoding: 'utf8', timeout: 120_000 });
    expect(`${run.stdout}${run.stderr}`).toBe('');
    expect(run.status).toBe(0);
  });
});
