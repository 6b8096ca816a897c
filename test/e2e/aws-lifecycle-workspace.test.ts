// The workspace `npm run test:aws` runs, checked without an account: the lifecycle test's rewrite for a real-account
// environment (three accounts by profile, another region, consumers behind a managed VPC connection, replication
// factor 3) gives files mesh validates and loads as meant, and every name `npm run test:aws -- --dry-run` lists is a
// name the test makes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { mesh } from './aws-example-cli.js';
import type { ExampleAccounts } from './aws-example-setup.js';
import type { AccountAccess, LifecycleEnvironment } from './aws-lifecycle-environment.js';
import { type LifecycleWorkspace, PROBE, prepareWorkspace } from './aws-lifecycle-workspace.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CENTRAL = '111122223333';
const PRODUCER = '444455556666';
const CONSUMER = '777788889999';
const CLUSTER = `arn:aws:kafka:eu-west-1:${CENTRAL}:cluster/platform/0a1b2c3d-4e5f`;
const VPC = `arn:aws:kafka:eu-west-1:${CONSUMER}:vpc-connection/${CENTRAL}/platform/abcd1234`;
const PROFILES = { central: 'platform-admin', producer: 'team-a-admin', consumer: 'team-b-admin' };
const accounts: ExampleAccounts = {
  central: CENTRAL,
  users: PRODUCER,
  songs: PRODUCER,
  podcasts: PRODUCER,
  interactions: PRODUCER,
  recommendations: CONSUMER,
  analytics: CONSUMER,
};
const profileOf = (domain: string) =>
  domain === 'central' ? PROFILES.central : accounts[domain as keyof ExampleAccounts] === CONSUMER ? PROFILES.consumer : PROFILES.producer;

/** What aws-lifecycle-environment.ts makes of MESH_TEST_*_PROFILE, minus the calls (this test makes none). */
const env: LifecycleEnvironment = {
  kind: 'aws',
  runId: 'cafe0123',
  region: 'eu-west-1',
  accounts,
  clusterArn: CLUSTER,
  replicationFactor: 3,
  access: (domain): AccountAccess => ({ profile: profileOf(domain) }),
  vpcConnectionArn: VPC,
  clientConfig: () => Promise.reject(new Error('no AWS call in this test')),
  kafka: () => Promise.reject(new Error('no Kafka call in this test')),
  settleMs: 0,
};

let root = '';
let ws: LifecycleWorkspace;
let model: Workspace;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-lifecycle-ws-'));
  await mesh(root, 'init', '--example', 'music-streaming');
  ws = prepareWorkspace(root, env);
  model = await loadWorkspace(root);
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the real-account workspace of the lifecycle test', () => {
  it('mesh validates it', async () => {
    const { doc } = await mesh(root, 'validate');
    expect(doc).toMatchObject({ ok: true });
  });

  it('reaches the central catalog and each domain through its profile, in the region, with no role from moto', () => {
    expect(model.mesh.central).toMatchObject({ account: CENTRAL, region: 'eu-west-1', profile: PROFILES.central });
    expect(model.mesh.central.roleArn).toBeUndefined();
    expect(model.mesh.streaming).toEqual({ kind: 'msk', clusterArn: CLUSTER, region: 'eu-west-1', account: CENTRAL });
    for (const d of model.domains) {
      expect(d.access, d.name).toEqual({
        account: accounts[d.name as keyof ExampleAccounts],
        region: 'eu-west-1',
        profile: profileOf(d.name),
      });
      if (d.kind === 'consumer') expect(d.mskVpcConnectionArn).toBe(VPC);
    }
    expect(readFileSync(path.join(root, 'mesh.yaml'), 'utf8')).not.toContain('mesh-test');
  });

  it('topics under the run prefix with replication factor 3; buckets carry the run id', () => {
    for (const p of model.products) {
      expect(p.stream?.topic).toMatch(/^lifecafe0123\./);
      expect(p.stream?.replicationFactor).toBe(3);
      expect(p.table?.location).toBe(`s3://music-${p.domain}-${PRODUCER}-cafe0123/products/${p.name}/`);
    }
    expect(ws.buckets.map((b) => b.bucket)).toEqual(model.products.map((p) => `music-${p.domain}-${PRODUCER}-cafe0123`));
  });

  it("the probe: recommendations' songs subscription on its own function, with mesh's starter handler", () => {
    const sub = model.domains.find((d) => d.name === PROBE.consumer)?.subscriptions.find((s) => s.product === PROBE.product);
    expect(sub?.stream).toMatchObject({ function: PROBE.fn, startingPosition: 'TRIM_HORIZON', batchSize: 100 });
    expect(sub?.stream?.handlerDir).toBe(ws.probeHandlerDir);
    expect(readFileSync(path.join(ws.probeHandlerDir, 'index.ts'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'templates', 'handlers', 'starter', 'index.ts'), 'utf8'),
    );
    expect(sub?.stream?.deadLetterTopic).toBe(`${ws.probeTopic}.dlq.${PROBE.consumer}`);
    expect(existsSync(path.join(root, 'domains', PROBE.consumer, 'handlers', 'items-handler'))).toBe(true);
  });

  it('every name the dry run lists is one the test makes', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'test-aws.mjs'), '--dry-run'], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        MESH_TEST_MSK_CLUSTER_ARN: CLUSTER,
        MESH_TEST_CENTRAL_ACCOUNT: CENTRAL,
        MESH_TEST_PRODUCER_ACCOUNT: PRODUCER,
        MESH_TEST_CONSUMER_ACCOUNT: CONSUMER,
        MESH_TEST_ROLE_NAME: 'OrganizationAccountAccessRole',
        MESH_TEST_MSK_VPC_CONNECTION_ARN: VPC,
        MESH_TEST_RUN_ID: env.runId,
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const names = [
      ...model.products.map((p) => p.stream?.topic ?? ''),
      `${ws.probeTopic}.dlq.${PROBE.consumer}`,
      ...ws.buckets.map((b) => b.bucket),
      ws.probeFunction,
      `${ws.probeFunction}-exec`,
      ws.probeGroup,
      ...model.domains.map((d) => d.roleName),
      ...model.products.map((p) => `music_${p.domain}`),
    ];
    for (const name of names) expect(r.stdout, name).toContain(name);
    const topics = /(\d+) topics, (\d+) partitions/.exec(r.stdout);
    const partitions = model.products.reduce((n, p) => n + (p.stream?.partitions ?? 0), 0);
    const songs = model.products.find((p) => p.name === PROBE.product)?.stream?.partitions ?? 0;
    expect([Number(topics?.[1]), Number(topics?.[2])]).toEqual([model.products.length + 1, partitions + songs]);
  });
});
