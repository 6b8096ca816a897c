// The running example from empty moto accounts (an MSK cluster in moto whose brokers are the real Kafka broker):
// destroy with nothing to destroy, bootstrap, publish-product, subscribe, destroy (dry run, refused without --yes,
// killed with kill -9, re-run), reading every account through the SDK after each step. At the end nothing mesh made
// is left in any account or on the broker.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GrantPermissionsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, grants, lfTags, locations } from '../catalog/moto-accounts.js';
import { BIN, ensureBuilt, runInProcess } from '../cli/run-cli.js';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { functionsIn, topicsWithPrefix } from '../e2e/aws-example-read.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, PRODUCERS, rewriteExample } from '../e2e/aws-example-setup.js';
import { failureOf } from '../support/cli-harness.js';
import { accountClients } from '../support/moto.js';
import { lfSettings, lockTable, registryExists, role, roleNames } from './accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
const C = accounts.central;
const R = accounts.recommendations;
const everyAccount = [...new Set(Object.values(accounts))];
const topicPrefix = `boot${randomBytes(4).toString('hex')}`;
/** A consumer role of another workspace, in an account of its own. */
const OTHER_SUBSCRIBER = `arn:aws:iam::${freshExampleAccounts().users}:role/mesh-elsewhere`;

/** The statements mesh wrote into a producer bucket's policy (Sid MeshLfDataAccess…), none when there is no policy. */
async function meshStatements(account: string, bucket: string): Promise<string[]> {
  const s3 = new S3Client(await accountClients(account));
  try {
    const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
    const policy = JSON.parse(out?.Policy ?? '{}') as { Statement?: { Sid?: string }[] };
    return (policy.Statement ?? []).flatMap((st) => (st.Sid?.startsWith('MeshLfDataAccess') ? [st.Sid] : []));
  } finally {
    s3.destroy();
  }
}
let root = '';
let clusterArn = '';

const planOf = async (...args: string[]) => (await mesh(root, ...args)).doc as PlanDoc;

const failure = (...args: string[]) => failureOf(mesh(root, ...args), `mesh ${args.join(' ')}`);

/** Everything mesh could have left, across accounts and the broker. */
async function leftovers() {
  const out: Record<string, unknown> = {};
  for (const account of everyAccount) {
    const state = {
      databases: await databases(account),
      grants: await grants(account),
      roles: await roleNames(account),
      functions: Object.keys(await functionsIn(account)),
    };
    if (Object.values(state).some((v) => v.length > 0)) out[account] = state;
  }
  const central = {
    locations: await locations(C),
    lfTags: Object.keys(await lfTags(C)),
    registry: (await registryExists(C, 'music')) ? ['music'] : [],
    lockTable: (await lockTable(C)) ? ['mesh-locks'] : [],
  };
  if (Object.values(central).some((v) => v.length > 0)) out.central = central;
  for (const product of PRODUCERS) {
    const statements = await meshStatements(accounts[product], bucketOf(contract(root, product).location));
    if (statements.length > 0) out[`bucket policy of ${product}`] = statements;
  }
  const topics = Object.keys(await topicsWithPrefix(topicPrefix));
  if (topics.length > 0) out.topics = topics;
  return out;
}

beforeAll(async () => {
  ensureBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-lifecycle-'));
  clusterArn = (await createMskCluster(C, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix });
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
}, 120_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('bootstrap → publish → subscribe → destroy on empty accounts', () => {
  it('destroy in a workspace that was never applied: a clear error, and nothing is created (not even the lock table)', async () => {
    const error = await failure('destroy', '--include-bootstrap');
    expect(error.code).toBe('NothingToDestroy');
    expect(error.message).toContain('nothing to destroy');
    expect(await leftovers()).toEqual({});
  });

  it('bootstrap: the central account and each domain account hold what the planes rely on', async () => {
    const { applied, plan } = await planOf('bootstrap');
    expect(applied).toBe(true);
    expect(plan.summary.create).toBeGreaterThan(0);
    expect((await lfSettings(C)).Parameters?.CROSS_ACCOUNT_VERSION).toBe('4');
    expect((await role(C, 'MeshLfDataAccess'))?.trust.Statement[0].Principal).toEqual({ Service: 'lakeformation.amazonaws.com' });
    for (const domain of [...PRODUCERS, 'recommendations', 'analytics'] as const) {
      expect(await roleNames(accounts[domain])).toEqual([`mesh-${domain}`]);
    }
    expect(await registryExists(C, 'music')).toBe(true);
    expect(await lockTable(C)).toMatchObject({ key: ['lockKey:HASH'] });
    const again = await planOf('bootstrap');
    expect(again.applied).toBe(false);
  });

  it('publish-product and subscribe: databases, topics, grants and functions exist', async () => {
    expect((await planOf('publish-product')).applied).toBe(true);
    expect((await planOf('subscribe', 'songs', '--domain', 'recommendations')).applied).toBe(true);
    expect((await databases(C)).length).toBe(4);
    expect(Object.keys(await topicsWithPrefix(topicPrefix)).length).toBeGreaterThanOrEqual(4);
    expect((await grants(C)).some((g) => g.startsWith(`arn:aws:iam::${R}:role/mesh-recommendations |`))).toBe(true);
    expect(Object.keys(await functionsIn(R)).length).toBeGreaterThan(0);
    expect(await meshStatements(accounts.songs, bucketOf(contract(root, 'songs').location))).toHaveLength(1);
  });

  it('destroy --dry-run plans the removals and changes nothing; without --yes and without a terminal it refuses', async () => {
    const before = await databases(C);
    const { plan } = await planOf('destroy', '--dry-run', '--include-bootstrap');
    const actions = new Set(plan.changes.map((c) => c.action));
    expect([...actions].sort()).toEqual(['delete', 'revoke']);
    expect(plan.changes.some((c) => c.key === `lock-table:${C}/mesh-locks`)).toBe(true);
    expect(await databases(C)).toEqual(before);

    const refused = await runInProcess(['--cwd', root, 'destroy']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--yes');
    expect(await databases(C)).toEqual(before);
  });

  it("destroy refuses while another workspace's consumer holds a grant, unless --acknowledge-subscribers", async () => {
    const lf = new LakeFormationClient(await accountClients(C));
    try {
      await lf.send(
        new GrantPermissionsCommand({
          Principal: { DataLakePrincipalIdentifier: OTHER_SUBSCRIBER },
          Resource: { Table: { CatalogId: C, DatabaseName: 'music_songs', Name: 'songs' } },
          Permissions: ['SELECT'],
        }),
      );
    } finally {
      lf.destroy();
    }
    const before = await grants(C);
    const error = await failure('destroy', '--dry-run');
    expect(error.code).toBe('HasSubscribers');
    expect(error.message).toContain(OTHER_SUBSCRIBER);
    const { plan } = await planOf('destroy', '--dry-run', '--acknowledge-subscribers');
    expect(plan.changes.some((c) => c.action === 'revoke' && c.key.includes(OTHER_SUBSCRIBER))).toBe(true);
    expect(await grants(C)).toEqual(before);
  });

  it('destroy killed with kill -9 mid-way resumes on re-run; nothing mesh made is left', async () => {
    const child = spawn(
      process.execPath,
      [BIN, '--cwd', root, '--yes', 'destroy', '--include-bootstrap', '--acknowledge-subscribers', '--concurrency', '1'],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // The first removal is applied: stop it hard, with more to do.
        if (stderr.includes('✓') && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(true);
        }
      });
      child.on('exit', () => resolve(false));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.on('exit', resolve)));
    expect(killed, `destroy finished before it could be killed:\n${stderr}`).toBe(true);
    expect(Object.keys(await leftovers()).length).toBeGreaterThan(0);

    const { applied } = await planOf('destroy', '--include-bootstrap', '--acknowledge-subscribers');
    expect(applied).toBe(true);
    expect(await leftovers()).toEqual({});
  }, 120_000);
});
