// A re-run with nothing to do changes nothing, the run lock included: counted on the wire (a proxy in front of moto
// that sees every client mesh makes, the lock's too), a no-op `mesh publish-product` and `mesh apply` make 0 mutating
// calls; the lock is only read. A run with changes still takes and releases the lock; a no-op run still stops at a
// lock another run holds (LockHeld, as before), and takes over one left by a process that is gone (a kill -9).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLock } from '../../src/lock/aws/dynamodb-lock.js';
import type { LockHolder } from '../../src/lock/port.js';
import { lockTable } from '../bootstrap/accounts.js';
import { startWireCounter, type WireCounter } from '../bootstrap/wire-counter.js';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import {
  bucketOf,
  createBucket,
  createMskCluster,
  freshExampleAccounts,
  PRODUCERS,
  REGION,
  rewriteExample,
} from '../e2e/aws-example-setup.js';
import { AccountPersonalize } from '../e2e/aws-personalize-fake.js';
import { accountClients, motoEndpoint } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
const C = accounts.central;
let root = '';
let wire: WireCounter;
// moto has no Personalize: `mesh apply` plans the personalize plane against the stateful fake (calls not on the wire).
let fake: AccountPersonalize;

/** The example's lock item in the central account's mesh-locks table, through the SDK (not the proxy). */
async function lockIn(): Promise<DynamoDbLock> {
  const db = new DynamoDBClient({ ...(await accountClients(C)), endpoint: motoEndpoint() });
  return new DynamoDbLock(db, 'music#aws', { onClose: () => db.destroy() });
}

const dynamoCalls = () => wire.calls.filter((c) => c.service === 'dynamodb').map((c) => c.operation);

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-noop-run-'));
  const clusterArn = (await createMskCluster(C, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix: `noop${randomBytes(4).toString('hex')}` });
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
  await mesh(root, 'bootstrap');
  fake = new AccountPersonalize(accounts.recommendations, REGION);
  wire = await startWireCounter(motoEndpoint());
  // Every client mesh makes from here on talks through the counting proxy.
  process.env.AWS_ENDPOINT_URL = wire.url;
}, 120_000);
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  fake?.restoreAll();
  await wire?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a re-run with nothing to do makes 0 mutating calls (aws, on the wire)', () => {
  it('publish-product with changes takes the lock (PutItem) and releases it (DeleteItem)', async () => {
    wire.calls.length = 0;
    const { applied } = (await mesh(root, 'publish-product')).doc as PlanDoc;
    expect(applied).toBe(true);
    expect(wire.mutating()).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem']));
    expect(await lockTable(C)).toBeDefined();
    const lock = await lockIn();
    expect(await lock.read()).toBeUndefined();
    lock.close?.();
  });

  it('publish-product again: nothing to do, the lock only read, 0 mutating calls', async () => {
    wire.calls.length = 0;
    const { doc } = await mesh(root, 'publish-product');
    const { applied, plan } = doc as PlanDoc;
    expect(applied).toBe(false);
    expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(plan.summary.noop).toBeGreaterThan(0);
    expect(wire.calls.length).toBeGreaterThan(0);
    expect(wire.mutating()).toEqual([]);
    expect(dynamoCalls()).toEqual(['GetItem']);
  });

  it('apply with changes locks; apply again: 0 mutating calls', async () => {
    wire.calls.length = 0;
    const first = (await mesh(root, 'apply')).doc as PlanDoc;
    // The subscriptions: grants, topics' consumers.
    expect(first.applied).toBe(true);
    expect(wire.mutating()).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem']));

    wire.calls.length = 0;
    fake.pz.resetHistory();
    const again = (await mesh(root, 'apply')).doc as PlanDoc;
    expect(again.applied).toBe(false);
    expect(again.plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(wire.mutating()).toEqual([]);
    expect(dynamoCalls()).toEqual(['GetItem']);
    const personalize = fake.pz.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''));
    expect(personalize.filter((name) => !/^(List|Describe|Get)/.test(name))).toEqual([]);
  });

  it('a no-op run still stops at a lock another run holds (LockHeld), changing nothing', async () => {
    const lock = await lockIn();
    const other: LockHolder = {
      id: 'other-run',
      user: 'bob',
      host: 'build-agent-7',
      pid: 1,
      command: 'mesh apply',
      target: 'aws',
      mesh: 'music',
      started: new Date().toISOString(),
    };
    expect((await lock.tryAcquire(other)).acquired).toBe(true);
    try {
      wire.calls.length = 0;
      const refused = await mesh(root, 'publish-product').then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
      expect(refused).toBe('LockHeld');
      // The probe's read, then the lock's conditional write that found it held (refused: nothing written).
      expect(dynamoCalls()).toEqual(['GetItem', 'PutItem', 'GetItem']);
      expect((await lock.read())?.id).toBe('other-run');
    } finally {
      await lock.release('other-run');
      lock.close?.();
    }
  });

  it('a lock left by a process that is gone (kill -9) is taken over by the next run, then released', async () => {
    const lock = await lockIn();
    // A pid that is not running on this host: the holder died without releasing.
    const dead: LockHolder = {
      id: 'killed-run',
      user: 'alice',
      host: os.hostname(),
      pid: 2 ** 22 + 1,
      command: 'mesh apply',
      target: 'aws',
      mesh: 'music',
      started: new Date().toISOString(),
    };
    expect(() => process.kill(dead.pid, 0)).toThrow();
    expect((await lock.tryAcquire(dead)).acquired).toBe(true);
    try {
      const run = await mesh(root, 'publish-product');
      expect((run.doc as PlanDoc).applied).toBe(false);
      expect(run.stderr).toContain('took over the lock left by alice@');
      expect(await lock.read()).toBeUndefined();
    } finally {
      await lock.release('killed-run');
      lock.close?.();
    }
  });
});
