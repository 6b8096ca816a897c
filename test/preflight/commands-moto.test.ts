// Preflight of `mesh personalize train | deploy | rollback` and `mesh transform` on aws (moto; Personalize is the
// stateful fake, every other call goes through a counting proxy in front of moto): in accounts that were not
// bootstrapped each command stops before any mutating call, naming the failing checks and `mesh bootstrap`; what
// bootstrap does not make (the Personalize service role and its S3 read, the buckets) is refused with the exact
// manual fix; once the accounts are ready, the same commands run, their checks' reads before their first change.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { lockTable } from '../bootstrap/accounts.js';
import { startWireCounter, type WireCounter } from '../bootstrap/wire-counter.js';
import { seedAthenaResults } from '../e2e/aws-example-athena.js';
import { mesh } from '../e2e/aws-example-cli.js';
import { createBucket, createMskCluster, freshExampleAccounts, REGION, rewriteExample } from '../e2e/aws-example-setup.js';
import { AccountPersonalize } from '../e2e/aws-personalize-fake.js';
import { makeFixture } from '../personalize/helpers.js';
import { accountClients, motoEndpoint } from '../support/moto.js';

// Personalize jobs are polled from 3 s; the fake moves one status per Describe, so its waits need no real time.
vi.mock('../../src/core/waiter.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/waiter.js')>();
  return {
    ...real,
    waitFor: (o: Parameters<typeof real.waitFor>[0]) =>
      real.waitFor(o.resumeHint?.includes('mesh personalize status') ? { ...o, sleep: async () => {} } : o),
  };
});

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
const C = accounts.central;
const R = accounts.recommendations;
/** The Personalize bucket and the artifact bucket are one: `{mesh}-{domain}-{account}`. */
const bucket = `music-recommendations-${R}`;
const roleName = 'music-recommendations-personalize';
let root = '';
let wire: WireCounter;
let fake: AccountPersonalize;
const runtime = mockClient(PersonalizeRuntimeClient);

/** The refusal of a command: its MeshError code, and message and hint as the user reads them. */
async function refusal(...args: string[]): Promise<{ code?: string; text: string }> {
  return mesh(root, ...args).then(
    () => ({ text: 'the command ran' }),
    (e: { code?: string; message: string }) => ({ code: e.code, text: e.message }),
  );
}

async function iam(): Promise<IAMClient> {
  return new IAMClient(await accountClients(R));
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-preflight-commands-'));
  const clusterArn = (await createMskCluster(C, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix: `pc${randomBytes(4).toString('hex')}` });
  // The recommendations domain trains from ready-made CSVs (no Athena), so each step below is about the preflight.
  const fixture = makeFixture({ users: 60 });
  const dir = path.join(root, 'domains', 'recommendations', 'personalize');
  mkdirSync(dir, { recursive: true });
  cpSync(path.dirname(fixture.domain.personalizeFile as string), dir, { recursive: true });
  fixture.cleanup();
  const domainFile = path.join(root, 'domains', 'recommendations', 'domain.yaml');
  const doc = parseDocument(readFileSync(domainFile, 'utf8'));
  doc.set('personalize', 'personalize/personalize.yaml');
  writeFileSync(domainFile, doc.toString());
  fake = new AccountPersonalize(R, REGION);
  wire = await startWireCounter(motoEndpoint());
  // Every client mesh makes from here on talks through the counting proxy.
  process.env.AWS_ENDPOINT_URL = wire.url;
}, 60_000);

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  fake?.restoreAll();
  runtime.restore();
  await wire?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const COMMANDS = [
  ['personalize', 'train', '--domain', 'recommendations'],
  ['personalize', 'deploy', '--domain', 'recommendations'],
  ['personalize', 'rollback', '--domain', 'recommendations'],
  ['transform', 'items', '--domain', 'recommendations'],
];

describe('preflight of personalize and transform on aws', () => {
  it('in accounts that were not bootstrapped, each command is refused before any change (0 mutating calls on the wire)', async () => {
    for (const args of COMMANDS) {
      wire.calls.length = 0;
      fake.pz.resetHistory();
      const { code, text } = await refusal(...args);
      expect(code, `${args.join(' ')}: ${text}`).toBe('PreflightFailed');
      expect(text).toContain('lock table (central): the table mesh-locks does not exist');
      expect(text).toContain('Run `mesh bootstrap`');
      expect(text).toContain('Nothing was changed.');
      // The checks ran (reads), and nothing else did.
      expect(wire.calls.map((c) => c.operation)).toContain('DescribeTable');
      expect(wire.mutating(), args.join(' ')).toEqual([]);
      expect(fake.pz.calls(), args.join(' ')).toHaveLength(0);
    }
    expect(await lockTable(C)).toBeUndefined();
  });

  it('after mesh bootstrap, what bootstrap does not make is refused with the exact manual fix', async () => {
    await mesh(root, 'bootstrap');
    wire.calls.length = 0;
    const transform = await refusal('transform', 'items', '--domain', 'recommendations');
    expect(transform.code).toBe('PreflightFailed');
    expect(transform.text).toContain(`artifact bucket (recommendations): the bucket ${bucket} does not exist in account ${R}`);
    expect(transform.text).toContain(`aws s3 mb s3://${bucket} --region ${REGION}`);
    // only by-hand fixes failed: the hint does not send the user to bootstrap again
    expect(transform.text).toContain('Fix it by hand (mesh bootstrap does not make these)');
    expect(transform.text).not.toContain('lock table');

    const train = await refusal('personalize', 'train', '--domain', 'recommendations');
    expect(train.code).toBe('PreflightFailed');
    expect(train.text).toContain(`personalize service role (recommendations): the role arn:aws:iam::${R}:role/${roleName}`);
    expect(train.text).toContain('does not exist');
    expect(train.text).toContain(`aws iam create-role --role-name ${roleName}`);
    expect(train.text).toContain(`personalize bucket (recommendations): the bucket ${bucket} does not exist`);
    expect(wire.mutating()).toEqual([]);
    expect(fake.pz.calls()).toHaveLength(0);
  });

  it('a Personalize role that Personalize cannot assume, then one that cannot read the CSVs, is refused; each names its fix', async () => {
    await createBucket(R, bucket, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'personalize.amazonaws.com' },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
      ],
    });
    const client = await iam();
    const trust = (service: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      });
    await client.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust('glue.amazonaws.com') }));
    wire.calls.length = 0;
    const untrusted = await refusal('personalize', 'train', '--domain', 'recommendations');
    expect(untrusted.code).toBe('PreflightFailed');
    expect(untrusted.text).toContain('does not trust personalize.amazonaws.com');
    expect(untrusted.text).toContain(`aws iam update-assume-role-policy --role-name ${roleName}`);

    // Trusted now, with a managed policy that grants Personalize calls but no S3 read.
    await client.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust('personalize.amazonaws.com') }));
    const managed = await client.send(
      new CreatePolicyCommand({
        PolicyName: 'personalize-calls',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'personalize:Describe*', Resource: '*' }],
        }),
      }),
    );
    await client.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: managed.Policy?.Arn }));
    const unreadable = await refusal('personalize', 'train', '--domain', 'recommendations');
    expect(unreadable.code).toBe('PreflightFailed');
    expect(unreadable.text).toContain(`is not allowed s3:GetObject and s3:ListBucket on s3://${bucket}/personalize/recommendations/`);
    expect(unreadable.text).toContain(`aws iam put-role-policy --role-name ${roleName} --policy-name mesh-personalize-s3`);
    expect(wire.calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['ListAttachedRolePolicies', 'GetPolicyVersion']));
    expect(wire.mutating()).toEqual([]);
    expect(fake.pz.calls()).toHaveLength(0);
    // The fix the hint gives, as a user would apply it.
    await client.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'mesh-personalize-s3',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/personalize/recommendations/*` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
          ],
        }),
      }),
    );
    client.destroy();
  });

  it('in ready accounts train runs: the checks read first, then the lock and the upload change things', async () => {
    wire.calls.length = 0;
    const train = (await mesh(root, 'personalize', 'train', '--domain', 'recommendations')).doc as {
      solutions: { solution: string; reused: boolean }[];
    };
    expect(train.solutions.map((s) => s.solution).sort()).toEqual(['personalized', 'similar']);
    const first = wire.calls.findIndex((c) => c.mutating);
    const before = wire.calls.slice(0, first).map((c) => c.operation);
    expect(before).toEqual(expect.arrayContaining(['DescribeTable', 'GetRole', 'ListRolePolicies', 'GetRolePolicy']));
    // the first change is the lock's, after every check
    expect(wire.calls[first]).toMatchObject({ service: 'dynamodb', operation: 'PutItem' });
    const s3 = new S3Client(await accountClients(R));
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
    s3.destroy();
    expect(keys.filter((k) => k?.startsWith('personalize/recommendations/')).length).toBe(3);
  });

  it('deploy, recommend, a second version deployed, and rollback pass the preflight and run', async () => {
    const deployed = (await mesh(root, 'personalize', 'deploy', '--domain', 'recommendations')).doc as {
      deployments: { solution: string; action: string }[];
    };
    expect(deployed.deployments.map((d) => `${d.solution}:${d.action}`)).toEqual(['personalized:create', 'similar:create']);

    runtime.on(GetRecommendationsCommand).resolves({ itemList: [{ itemId: 's0001', score: 0.42 }], recommendationId: 'RID-1' });
    const recommended = (await mesh(root, 'personalize', 'recommend', '--user', 'u0001', '--domain', 'recommendations')).doc as {
      itemList: { itemId: string; score: number }[];
    };
    expect(recommended.itemList).toEqual([{ itemId: 's0001', score: 0.42 }]);
    const sent = runtime.commandCalls(GetRecommendationsCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({
      campaignArn: fake.arn('campaign/music-recs-personalized'),
      userId: 'u0001',
      filterArn: fake.arn('filter/music-recs-exclude-played'),
    });

    await mesh(root, 'personalize', 'train', '--domain', 'recommendations', '--new-version');
    const second = (await mesh(root, 'personalize', 'deploy', '--domain', 'recommendations')).doc as {
      deployments: { solution: string; action: string }[];
    };
    expect(second.deployments.map((d) => `${d.solution}:${d.action}`)).toEqual(['personalized:update', 'similar:update']);
    wire.calls.length = 0;
    const rolled = (await mesh(root, 'personalize', 'rollback', '--domain', 'recommendations')).doc as {
      deployments: { solution: string; action: string }[];
    };
    expect(rolled.deployments.map((d) => d.solution)).toEqual(['personalized', 'similar']);
    expect(wire.calls.map((c) => c.operation)).toContain('DescribeTable');
  });

  it('transform runs once its artifact bucket exists', async () => {
    await seedAthenaResults(R, [
      {
        columns: [
          { name: 'item_id', type: 'varchar' },
          { name: 'content_type', type: 'varchar' },
        ],
        rows: [['s0001', 'song']],
      },
    ] as never);
    const doc = (await mesh(root, 'transform', 'items', '--domain', 'recommendations')).doc as { rowCount: number };
    expect(doc.rowCount).toBe(1);
  });
});
