// `npm run test:aws` (scripts/test-aws.mjs) before it touches an account: what it refuses, and what it lists. Run as
// a child process, as npm runs it (stdin is a pipe, not a terminal), with only the variables each case sets.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AWS_VARIABLES, awsVariableProblems } from '../e2e/aws-lifecycle-environment.js';

const SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'test-aws.mjs');
const home = mkdtempSync(path.join(os.tmpdir(), 'mesh-test-aws-'));
const awsConfig = path.join(home, 'config');
writeFileSync(awsConfig, '[profile platform]\nregion = eu-west-1\n[profile team-a]\n[profile team-b]\n');
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Credentials a user may have exported: they must never appear in what the script prints. */
const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEYID0042',
  AWS_SECRET_ACCESS_KEY: 'never/print/this/secret+value',
  AWS_SESSION_TOKEN: 'session-token-value-7f3a',
};
const CLUSTER = 'arn:aws:kafka:eu-west-1:111122223333:cluster/platform/0a1b2c3d-4e5f';
const BY_ID = {
  MESH_TEST_MSK_CLUSTER_ARN: CLUSTER,
  MESH_TEST_CENTRAL_ACCOUNT: '111122223333',
  MESH_TEST_PRODUCER_ACCOUNT: '444455556666',
  MESH_TEST_CONSUMER_ACCOUNT: '111122223333',
  MESH_TEST_ROLE_NAME: 'OrganizationAccountAccessRole',
  MESH_TEST_RUN_ID: 'cafe0123',
};
const BY_PROFILE = {
  MESH_TEST_MSK_CLUSTER_ARN: CLUSTER,
  MESH_TEST_CENTRAL_PROFILE: 'platform',
  MESH_TEST_PRODUCER_PROFILE: 'team-a',
  MESH_TEST_CONSUMER_PROFILE: 'team-b',
  MESH_TEST_MSK_VPC_CONNECTION_ARN: 'arn:aws:kafka:eu-west-1:777788889999:vpc-connection/111122223333/platform/abcd',
};

function run(vars: Record<string, string>, ...args: string[]) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
    ...SECRETS,
    ...vars,
  };
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { env, encoding: 'utf8', input: '', timeout: 30_000 });
  const printed = `${r.stdout}${r.stderr}`;
  for (const secret of Object.values(SECRETS)) expect(printed).not.toContain(secret);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run test:aws refuses before touching an account', () => {
  it('with no variables: lists every one it needs, the same list the test file checks, and exits non-zero', () => {
    const r = run({});
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const listed = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim());
    expect(listed).toEqual(awsVariableProblems({}));
    for (const name of [AWS_VARIABLES.clusterArn, ...Object.values(AWS_VARIABLES.profile), ...Object.values(AWS_VARIABLES.account)]) {
      expect(r.stderr).toContain(name);
    }
    expect(r.stderr).toContain('Running the tests against real AWS accounts');
  });

  it.each([
    [
      'an account id without a role to assume',
      { ...BY_ID, MESH_TEST_ROLE_NAME: '' },
      'MESH_TEST_ROLE_NAME: the role to assume in MESH_TEST_CENTRAL_ACCOUNT',
    ],
    [
      'a malformed cluster ARN',
      { ...BY_ID, MESH_TEST_MSK_CLUSTER_ARN: 'arn:aws:kafka:eu-west-1:1:cluster' },
      'MESH_TEST_MSK_CLUSTER_ARN: not an MSK cluster ARN',
    ],
    [
      'a consumer outside the cluster account without a VPC connection',
      { ...BY_ID, MESH_TEST_CONSUMER_ACCOUNT: '777788889999' },
      'MESH_TEST_MSK_VPC_CONNECTION_ARN: the consumer account',
    ],
    ['an emulator endpoint', { ...BY_ID, AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }, 'AWS_ENDPOINT_URL*: unset it'],
  ])('with %s', (_what, vars, expected) => {
    const env = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== ''));
    const r = run(env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(expected);
    expect(awsVariableProblems(env).some((p) => p.startsWith(expected))).toBe(true);
  });

  it('with a profile that no AWS config file defines', () => {
    const r = run({ ...BY_PROFILE, MESH_TEST_PRODUCER_PROFILE: 'team-z' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('profile "team-z": not in the AWS config or credentials file');
    expect(r.stderr).not.toContain('"team-a"');
  });

  it('without --yes and without a terminal: prints the plan, then refuses and runs nothing', () => {
    const r = run(BY_ID);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('It creates, and removes at the end');
    expect(r.stderr).toContain('Refusing to create resources in real AWS accounts without confirmation');
    expect(r.stderr).toContain('--yes');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/RUN\s+v\d/);
  });

  it('rejects an unknown option', () => {
    const r = run(BY_ID, '--yse');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown option --yse');
  });
});

describe('npm run test:aws -- --dry-run', () => {
  it('lists what the run creates in each account, under the run id, and a cost ceiling with how it is computed', () => {
    const r = run(BY_ID, '--dry-run');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('central catalog: 111122223333');
    expect(out).toContain('producer domains (users, songs, podcasts, interactions): 444455556666');
    expect(out).toContain('consumer domains (recommendations, analytics): 111122223333');
    expect(out).toContain('region eu-west-1');
    for (const name of [
      'IAM role MeshLfDataAccess',
      'IAM roles mesh-users, mesh-songs, mesh-podcasts, mesh-interactions',
      'IAM roles mesh-recommendations, mesh-analytics',
      'music-songs-444455556666-cafe0123',
      'Glue databases music_users, music_songs, music_podcasts, music_interactions',
      'Lambda function music-recommendations-lifecycle-probe',
      'music-recommendations-lifecycle-probe-exec',
      'lifecafe0123.songs.song-changes.v1,',
      'lifecafe0123.songs.song-changes.v1.dlq.recommendations',
      '5 topics, 18 partitions',
      'DynamoDB table mesh-locks',
    ]) {
      expect(out).toContain(name);
    }
    const ceiling = /Cost ceiling: US\$(\d+\.\d\d) \(estimate US\$(\d+\.\d{4})/.exec(out);
    expect(ceiling?.[1]).toBe('1.00');
    expect(Number(ceiling?.[2])).toBeGreaterThan(0);
    expect(Number(ceiling?.[2]) * 10).toBeLessThanOrEqual(1);
    expect(out).toContain('18 partitions × 0.25 h × $0.0015/partition-h');
    expect(out).toContain('AWS public pricing, us-east-1');
    expect(r.stderr).toBe('');
  });

  it('names the profiles when the accounts are given by profile', () => {
    const r = run(BY_PROFILE, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('central catalog: the account of profile platform');
    expect(r.stdout).toContain('accounts reached by profile platform, profile team-a, profile team-b');
  });
});
