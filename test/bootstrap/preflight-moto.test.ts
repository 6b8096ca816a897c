// Preflight: in accounts that were not bootstrapped, publish-product stops before any mutating call (counted on the
// wire, through a proxy in front of moto: the lock's and every client's calls), naming the failing checks and
// `mesh bootstrap`; after `mesh bootstrap` the same command publishes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases } from '../catalog/moto-accounts.js';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, PRODUCERS, rewriteExample } from '../e2e/aws-example-setup.js';
import { motoEndpoint } from '../support/moto.js';
import { lockTable, roleNames } from './accounts.js';
import { startWireCounter, type WireCounter } from './wire-counter.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
const C = accounts.central;
let root = '';
let wire: WireCounter;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-preflight-'));
  const clusterArn = (await createMskCluster(C, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix: `pre${randomBytes(4).toString('hex')}` });
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
  wire = await startWireCounter(motoEndpoint());
  // Every client mesh makes from here on talks through the counting proxy.
  process.env.AWS_ENDPOINT_URL = wire.url;
}, 60_000);
afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  await wire?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('preflight before the first change on aws', () => {
  it('publish-product in accounts that were not bootstrapped: refused, 0 mutating calls on the wire', async () => {
    wire.calls.length = 0;
    const error = await mesh(root, 'publish-product').then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    expect(error?.code).toBe('PreflightFailed');
    expect(error?.message).toContain('CROSS_ACCOUNT_VERSION is 1');
    expect(error?.message).toContain('data access role (central)');
    expect(error?.message).toContain('mesh bootstrap');
    expect(wire.calls.length).toBeGreaterThan(0);
    expect(wire.mutating()).toEqual([]);
    expect(await databases(C)).toEqual([]);
    expect(await lockTable(C)).toBeUndefined();
  });

  it('after mesh bootstrap the same command passes preflight and publishes', async () => {
    expect(((await mesh(root, 'bootstrap')).doc as PlanDoc).applied).toBe(true);
    expect(await roleNames(accounts.songs)).toEqual(['mesh-songs']);
    wire.calls.length = 0;
    const { applied } = (await mesh(root, 'publish-product')).doc as PlanDoc;
    expect(applied).toBe(true);
    expect((await databases(C)).length).toBe(4);
    // The checks are read calls, made before anything else.
    const firstMutation = wire.calls.findIndex((c) => c.mutating);
    expect(wire.calls.slice(0, firstMutation).some((c) => c.operation === 'GetDataLakeSettings')).toBe(true);
  });
});
