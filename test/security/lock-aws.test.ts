// The lock on the aws target, against moto: an item per mesh and target in the central account's `mesh-locks` DynamoDB
// table, written with attribute_not_exists and deleted only by its lock id; the table is created on first use. Then a
// mutating command on aws (publish-product) takes and releases it, and fails with LockHeld while someone else holds it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { createOutput } from '../../src/io/output.js';
import { DynamoDbLock, LOCK_TTL_SECONDS } from '../../src/lock/aws/dynamodb-lock.js';
import { acquireLock, type LockHolder } from '../../src/lock/index.js';
import { LOCK_TABLE } from '../../src/lock/port.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { musicFixture } from '../catalog/fixtures.js';
import { runInProcess } from '../cli/run-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, rewriteExample } from '../e2e/aws-example-setup.js';
import { cliHostFor } from '../support/cli-harness.js';
import { accountClients, freshAccountId } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const KEY = 'music#aws';
const quiet = () => createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never });

function recording(): { output: ReturnType<typeof createOutput>; lines: string[] } {
  const lines: string[] = [];
  const sink = { write: (s: string) => lines.push(s.trimEnd()) } as never;
  return { output: createOutput({ stdout: sink, stderr: sink }), lines };
}

const holder = (id: string, extra: Partial<LockHolder> = {}): LockHolder => ({
  id,
  user: 'alice',
  host: 'laptop-1',
  pid: 4242,
  command: 'mesh apply',
  target: 'aws',
  mesh: 'music',
  started: '2025-01-01T12:01:03.000Z',
  ...extra,
});

async function dynamo(account: string): Promise<DynamoDBClient> {
  return new DynamoDBClient(await accountClients(account));
}

async function lockItem(db: DynamoDBClient) {
  return (await db.send(new GetItemCommand({ TableName: LOCK_TABLE, Key: { lockKey: { S: KEY } }, ConsistentRead: true }))).Item;
}

describe('DynamoDbLock against moto', () => {
  const account = freshAccountId();
  let db: DynamoDBClient;
  let lock: DynamoDbLock;

  beforeAll(async () => {
    db = await dynamo(account);
    lock = new DynamoDbLock(db, KEY);
  });
  afterAll(() => db.destroy());

  it('creates the table on first use (on demand, TTL on expires) and writes the holder', async () => {
    expect((await db.send(new ListTablesCommand({}))).TableNames ?? []).not.toContain(LOCK_TABLE);
    const before = Math.floor(Date.now() / 1000);
    expect(await lock.tryAcquire(holder('run-a'))).toEqual({ acquired: true });
    const table = (await db.send(new DescribeTableCommand({ TableName: LOCK_TABLE }))).Table;
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.KeySchema).toEqual([{ AttributeName: 'lockKey', KeyType: 'HASH' }]);
    const ttl = (await db.send(new DescribeTimeToLiveCommand({ TableName: LOCK_TABLE }))).TimeToLiveDescription;
    expect(ttl).toMatchObject({ AttributeName: 'expires', TimeToLiveStatus: 'ENABLED' });
    const item = await lockItem(db);
    expect(item).toMatchObject({
      lockKey: { S: KEY },
      lockId: { S: 'run-a' },
      user: { S: 'alice' },
      host: { S: 'laptop-1' },
      pid: { N: '4242' },
      command: { S: 'mesh apply' },
      target: { S: 'aws' },
      mesh: { S: 'music' },
      started: { S: '2025-01-01T12:01:03.000Z' },
    });
    expect(Number(item?.expires?.N) - before).toBeGreaterThanOrEqual(LOCK_TTL_SECONDS);
    expect(Number(item?.expires?.N) - before).toBeLessThan(LOCK_TTL_SECONDS + 60);
  });

  it('a second acquire fails and names the holder; acquireLock turns that into LockHeld', async () => {
    expect(await lock.tryAcquire(holder('run-b', { user: 'bob' }))).toEqual({ acquired: false, holder: holder('run-a') });
    const fx = musicFixture({ target: 'aws' });
    onTestFinished(() => fx.cleanup());
    const attempt = acquireLock({ workspace: fx.workspace, target: 'aws', host: cliHostFor(quiet()), port: lock, timeoutMs: 0 });
    await expect(attempt).rejects.toMatchObject({
      code: 'LockHeld',
      exitCode: 1,
      message: 'The aws target of mesh music is locked by alice@laptop-1 (pid 4242), running `mesh apply` since 2025-01-01T12:01:03.000Z.',
      details: { holder: holder('run-a'), lock: `DynamoDB table ${LOCK_TABLE}, key ${KEY}` },
    });
    expect((await lockItem(db))?.lockId?.S).toBe('run-a');
  });

  it('release deletes only by the holder id', async () => {
    expect(await lock.release('run-b')).toBe(false);
    expect((await lockItem(db))?.lockId?.S).toBe('run-a');
    expect(await lock.release('run-a')).toBe(true);
    expect(await lockItem(db)).toBeUndefined();
    expect(await lock.read()).toBeUndefined();
  });

  it('an item whose TTL has passed (DynamoDB deletes it late) counts as free and is replaced', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    await db.send(
      new PutItemCommand({
        TableName: LOCK_TABLE,
        Item: {
          lockKey: { S: KEY },
          lockId: { S: 'expired' },
          user: { S: 'carol' },
          host: { S: 'ci-9' },
          pid: { N: '7' },
          expires: { N: String(past) },
        },
      }),
    );
    const result = await lock.tryAcquire(holder('run-c'));
    expect(result).toMatchObject({ acquired: true, replaced: { id: 'expired', user: 'carol', host: 'ci-9', pid: 7 } });
    expect((await lockItem(db))?.lockId?.S).toBe('run-c');
    expect(await lock.release('run-c')).toBe(true);
  });

  it('a lock left by a dead process on this host is taken over, with a warning', async () => {
    const gone = { id: 'dead', host: os.hostname(), pid: 2 ** 22 + 12345 };
    expect(await lock.tryAcquire(holder(gone.id, gone))).toEqual({ acquired: true });
    const fx = musicFixture({ target: 'aws' });
    onTestFinished(() => fx.cleanup());
    const rec = recording();
    const held = await acquireLock({
      workspace: fx.workspace,
      target: 'aws',
      host: cliHostFor(rec.output),
      port: lock,
      command: 'mesh publish-product',
    });
    expect(rec.lines).toEqual([
      expect.stringMatching(
        new RegExp(`^warning: took over the lock left by alice@${os.hostname()} pid ${gone.pid} \`mesh apply\` since .* \\(lock dead\\)`),
      ),
    ]);
    expect(await lockItem(db)).toMatchObject({ lockId: { S: held.holder.id }, command: { S: 'mesh publish-product' } });
    await held.release();
    expect(await lockItem(db)).toBeUndefined();
  });
});

describe('a mutating command on aws takes the lock in the central account', () => {
  const accounts = freshExampleAccounts();
  let root = '';
  let central: DynamoDBClient;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mesh-lock-aws-'));
    expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', root])).code).toBe(0);
    const cluster = await createMskCluster(accounts.central, '3.5.1');
    rewriteExample(root, { accounts, clusterArn: cluster.arn, topicPrefix: `lock${randomBytes(4).toString('hex')}` });
    await createBucket(accounts.songs, bucketOf(contract(root, 'songs').location));
    // Mutating commands on aws run their preflight first: the accounts are bootstrapped as a team would.
    const bootstrap = await runInProcess(['bootstrap', '--yes', '--json', '-C', root]);
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
    central = await dynamo(accounts.central);
  }, 120_000);

  afterAll(() => {
    central?.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('publish-product holds the lock while it runs and releases it at the end', async () => {
    const seen: string[] = [];
    let running = true;
    const watch = (async () => {
      while (running) {
        try {
          const item = await lockItem(central);
          if (item) seen.push(`${item.host?.S} ${item.pid?.N} ${item.command?.S}`);
        } catch (error) {
          if ((error as Error).name !== 'ResourceNotFoundException') throw error;
        }
      }
    })();
    const run = await runInProcess(['publish-product', 'songs', '--json', '--yes', '-C', root]);
    running = false;
    await watch;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ target: 'aws', applied: true });
    expect(seen.length).toBeGreaterThan(0);
    // One holder all along: this process (the command ran in it), on this host.
    expect(seen[0], JSON.stringify(seen)).toMatch(new RegExp(`^${os.hostname()} ${process.pid} mesh( |$)`));
    expect(new Set(seen).size).toBe(1);
    expect(await lockItem(central)).toBeUndefined();
    // The table is in the central account (the catalog's), not in a domain's.
    const songs = await dynamo(accounts.songs);
    expect((await songs.send(new ListTablesCommand({}))).TableNames ?? []).not.toContain(LOCK_TABLE);
    songs.destroy();
  });

  it('while another run holds it, publish-product fails with LockHeld naming the holder; mesh unlock releases it', async () => {
    const workspace = await loadWorkspace(root, {});
    // Another run's lock, taken with that run's AwsClients (one per run, as the toolkit makes them).
    const clients = new AwsClients({ centralAccount: accounts.central });
    onTestFinished(() => clients.destroy());
    const held = await acquireLock({ workspace, target: 'aws', host: cliHostFor(quiet()), clients, command: 'mesh apply --from-the-test' });
    const blocked = await runInProcess(['publish-product', 'songs', '--json', '-C', root]);
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toEqual({
      error: expect.objectContaining({
        code: 'LockHeld',
        details: { holder: held.holder, lock: `DynamoDB table ${LOCK_TABLE}, key ${KEY}` },
      }),
    });

    const wrong = await runInProcess(['unlock', 'not-the-id', '--yes', '--json', '-C', root]);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).error.code).toBe('LockIdMismatch');
    expect((await lockItem(central))?.lockId?.S).toBe(held.holder.id);

    const right = await runInProcess(['unlock', held.holder.id, '--yes', '--json', '-C', root]);
    expect(right.code, right.stderr).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({ target: 'aws', released: true, holder: held.holder });
    expect(await lockItem(central)).toBeUndefined();
    await held.release();
  });
});
