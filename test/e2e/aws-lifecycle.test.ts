// The running example from empty accounts to nothing left, through the mesh CLI:
// bootstrap → publish-product → subscribe → events through the Lambda event source mapping → destroy
// --include-bootstrap --delete-data. After each step the accounts and the cluster are read through the SDK and kafkajs
// directly (test/e2e/aws-lifecycle-state.ts), never through mesh's adapters; after destroy they hold what they held
// before the run. Teardown runs in `finally` (afterAll), whatever failed.
//
// Two runs of this one file (test/e2e/aws-lifecycle-environment.ts picks the environment; only the endpoints and the
// accounts differ):
// - `npm test`: moto accounts, an MSK cluster in moto whose brokers are the real Kafka broker. moto runs no Lambda:
//   test/e2e/aws-lifecycle-lambda.ts stands in for the event source mapping with the deployed code.
// - `npm run test:aws` (MESH_TEST_AWS=1; scripts/test-aws.mjs): real accounts and the user's MSK cluster; the real
//   event source mapping invokes the real function.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageHandler } from '../../src/streams/functions/handler-bundle.js';
import { mesh, type PlanDoc } from './aws-example-cli.js';
import { CONSUMERS, PRODUCERS } from './aws-example-setup.js';
import { type LifecycleEnvironment, lifecycleEnvironment } from './aws-lifecycle-environment.js';
import { deliverAsLambda } from './aws-lifecycle-lambda.js';
import {
  added,
  functionOf,
  groupProgress,
  lakeFormationSettings,
  type MeshState,
  readState,
  roleTrust,
  topicsWithPrefix,
} from './aws-lifecycle-state.js';
import { type LifecycleWorkspace, PROBE, prepareWorkspace } from './aws-lifecycle-workspace.js';

// moto: fail at once. AWS: mesh's own retries (throttling happens on real accounts).
if (process.env.MESH_TEST_AWS !== '1') process.env.MESH_AWS_MAX_ATTEMPTS ??= '1';

/** Five song events, valid for the songs product's event schema. */
const SONGS = (
  [
    ['s9001', 'First Light', 'indie', 2024],
    ['s9002', 'Second Wind', 'rock', 2025],
    ['s9003', 'Third Rail', 'electronic', 2025],
    ['s9004', 'Fourth Wall', 'jazz', 2026],
    ['s9005', 'Fifth Season', 'pop', 2026],
  ] as const
).map(([song_id, title, genre, release_year], i) => ({
  song_id,
  title,
  artist: 'The Probes',
  album: i % 2 === 0 ? null : 'Lifecycle',
  genre,
  duration_seconds: 180 + i * 17,
  release_year,
  explicit: i === 2,
}));

let env: LifecycleEnvironment;
let ws: LifecycleWorkspace;
let root = '';
let before: MeshState;
let destroyed = false;
const bucketsMade: { account: string; bucket: string }[] = [];
/** The first step that failed: later steps do not run on top of it (each says so). */
let failedStep = '';

const planOf = async (...args: string[]) => (await mesh(root, ...args)).doc as PlanDoc;

function step(name: string, body: () => Promise<void>): void {
  it(
    name,
    async () => {
      if (failedStep) throw new Error(`not run: the step "${failedStep}" failed`);
      try {
        await body();
      } catch (error) {
        failedStep = name;
        throw error;
      }
    },
    20 * 60_000,
  );
}

/** Polls `read` until it passes `check` (a real account is eventually consistent; moto passes the first time). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void): Promise<T> {
  const deadline = Date.now() + env.settleMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 15_000)) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** What the run made that is still there once the accounts have settled (nothing, when destroy removed it all). */
async function leftovers(): Promise<Record<string, string[]>> {
  try {
    await eventually(
      () => readState(env, ws),
      (state) => expect(state).toEqual(before),
    );
    return {};
  } catch {
    return added(before, await readState(env, ws));
  }
}

async function s3In(account: string): Promise<S3Client> {
  return new S3Client({ ...(await env.clientConfig(account)) });
}

async function createBucket(account: string, bucket: string): Promise<void> {
  const s3 = await s3In(account);
  try {
    const location = env.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: env.region as never } };
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ...location }));
    bucketsMade.push({ account, bucket });
  } finally {
    s3.destroy();
  }
}

/** Empties (every version) and deletes a bucket the test made. */
async function deleteBucket(account: string, bucket: string): Promise<void> {
  const s3 = await s3In(account);
  try {
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((o) => ({ Key: o.Key ?? '', VersionId: o.VersionId }));
      if (objects.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

beforeAll(async () => {
  env = await lifecycleEnvironment();
  root = mkdtempSync(path.join(os.tmpdir(), `mesh-lifecycle-${env.runId}-`));
  await mesh(root, 'init', '--example', 'music-streaming');
  ws = prepareWorkspace(root, env);
  before = await readState(env, ws);
  for (const { account, bucket } of ws.buckets) await createBucket(account, bucket);
}, 10 * 60_000);

afterAll(async () => {
  const failures: string[] = [];
  try {
    if (root && !destroyed && before) {
      // A step failed or was interrupted: remove what mesh made all the same.
      await mesh(root, 'destroy', '--include-bootstrap', '--delete-data', '--acknowledge-subscribers').catch((error: { code?: string }) => {
        if (error.code !== 'NothingToDestroy') throw error;
      });
      const left = await leftovers();
      if (Object.keys(left).length > 0) failures.push(`left after destroy: ${JSON.stringify(left)}`);
    }
  } catch (error) {
    failures.push(`mesh destroy: ${(error as Error).message}`);
  } finally {
    for (const { account, bucket } of bucketsMade.splice(0)) {
      await deleteBucket(account, bucket).catch((error: Error) => failures.push(`bucket ${bucket} in ${account}: ${error.message}`));
    }
    // The workspace is what a re-run of destroy needs: kept when destroy failed.
    if (root && failures.length === 0) rmSync(root, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    throw new Error(
      `teardown failed:\n  ${failures.join('\n  ')}\nRe-run: node bin/mesh.cjs --cwd ${root} --yes destroy --include-bootstrap --delete-data`,
    );
  }
}, 20 * 60_000);

describe('bootstrap → publish → subscribe → events through Lambda → destroy', () => {
  step('bootstrap: Lake Formation settings, the data-access role, domain roles, registry, LF-Tag keys, lock table', async () => {
    const { applied, plan } = await planOf('bootstrap');
    expect(applied).toBe(true);
    expect(plan.summary.create).toBeGreaterThan(0);
    const C = env.accounts.central;
    const made = added(before, await readState(env, ws));
    expect(made[`${C}.roles`]).toContain('MeshLfDataAccess');
    for (const domain of [...PRODUCERS, ...CONSUMERS]) expect(made[`${env.accounts[domain]}.roles`]).toContain(`mesh-${domain}`);
    expect(made['central.registries']).toEqual(['music']);
    expect(made['central.tables']).toEqual(['mesh-locks']);
    expect(made['central.lfTags']?.map((t) => t.split('=')[0]).sort()).toEqual(['classification', 'domain', 'product']);
    expect((await lakeFormationSettings(env)).crossAccountVersion).toBeGreaterThanOrEqual(3);
    expect(await roleTrust(env, C, 'MeshLfDataAccess')).toEqual([{ Service: 'lakeformation.amazonaws.com' }]);
    expect((await planOf('bootstrap')).applied).toBe(false);
  });

  step('publish-product: databases, locations, bucket policies, topics; each producer links its database', async () => {
    expect((await planOf('publish-product')).applied).toBe(true);
    const state = await readState(env, ws);
    const made = added(before, state);
    const C = env.accounts.central;
    expect(made[`${C}.databases`]).toEqual(expect.arrayContaining(PRODUCERS.map((p) => `music_${p}`)));
    for (const p of PRODUCERS) expect(state.accounts[env.accounts[p]]?.databases).toContain(`mesh_${p}`);
    expect(made['central.locations']).toEqual(
      ws.buckets.map((b) => `arn:aws:s3:::${b.bucket} as arn:aws:iam::${C}:role/MeshLfDataAccess`).sort(),
    );
    for (const b of ws.buckets) expect(state.bucketPolicies[b.bucket]).toEqual(['MeshLfDataAccessmusic']);
    expect(state.topics).toEqual(expect.arrayContaining([ws.probeTopic]));
    expect(state.topics.filter((t) => !t.includes('.dlq.'))).toHaveLength(PRODUCERS.length);
  });

  step(`subscribe ${PROBE.product} --domain ${PROBE.consumer}: resource link, grants, function, role, event source mapping`, async () => {
    expect((await planOf('subscribe', PROBE.product, '--domain', PROBE.consumer)).applied).toBe(true);
    const R = env.accounts[PROBE.consumer];
    const state = await readState(env, ws);
    expect(state.accounts[R]?.databases).toContain(`mesh_${PROBE.product}`);
    expect(state.accounts[R]?.functions).toContain(ws.probeFunction);
    expect(state.accounts[R]?.roles).toContain(`${ws.probeFunction}-exec`);
    expect(state.accounts[R]?.mappings).toContain(`${ws.probeFunction} ${ws.probeTopic} ${ws.probeGroup}`);
    const grantee = `arn:aws:iam::${R}:role/mesh-${PROBE.consumer} |`;
    expect(state.accounts[env.accounts.central]?.grants.some((g) => g.startsWith(grantee))).toBe(true);
  });

  step('events produced on songs reach the Lambda function: its consumer group commits to the end of the topic', async () => {
    const file = path.join(root, 'songs.jsonl');
    writeFileSync(file, `${SONGS.map((s) => JSON.stringify(s)).join('\n')}\n`);
    await mesh(root, 'events', 'produce', PROBE.product, '--file', file);
    const R = env.accounts[PROBE.consumer];
    const fn = await functionOf(env, R, ws.probeFunction);
    const [mapping] = fn.mappings;
    expect(fn.mappings).toHaveLength(1);
    expect(mapping?.Topics).toEqual([ws.probeTopic]);
    if (env.kind === 'moto') {
      const pkg = await packageHandler(ws.probeHandlerDir, 'index.handler');
      // The code run below is byte for byte the code mesh deployed.
      expect(pkg.codeSha256).toBe(fn.codeSha256);
      const delivery = await deliverAsLambda(
        env,
        {
          topic: ws.probeTopic,
          group: mapping?.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? '',
          eventSourceArn: mapping?.EventSourceArn ?? '',
          startingPosition: mapping?.StartingPosition ?? '',
          batchSize: mapping?.BatchSize ?? 0,
        },
        pkg.zip,
        createRequire(import.meta.url),
      );
      expect(delivery.outcome).toEqual({ kind: 'success' });
      expect(delivery.records).toBe(SONGS.length);
      // The starter handler logs each record it processed, by its key.
      const keys = delivery.logs.map((line) => (JSON.parse(line) as { key: string }).key).sort();
      expect(keys).toEqual(SONGS.map((s) => s.song_id));
    }
    const progress = await eventually(
      () => groupProgress(env, ws.probeGroup, ws.probeTopic),
      (p) => expect(p.map((x) => x.committed)).toEqual(p.map((x) => x.end)),
    ).catch(async (error: Error) => {
      // What the mapping says of itself, to tell a mapping that never started from a function that failed.
      const [m] = (await functionOf(env, R, ws.probeFunction)).mappings;
      const facts = { State: m?.State, StateTransitionReason: m?.StateTransitionReason, LastProcessingResult: m?.LastProcessingResult };
      throw new Error(`${error.message}\nevent source mapping ${m?.UUID}: ${JSON.stringify(facts)}`);
    });
    expect(progress.reduce((n, p) => n + p.end, 0)).toBe(SONGS.length);
  });

  step('destroy --include-bootstrap --delete-data: nothing mesh made is left in any account or on the cluster', async () => {
    expect(Object.keys(added(before, await readState(env, ws))).length).toBeGreaterThan(0);
    const { applied } = await planOf('destroy', '--include-bootstrap', '--delete-data');
    expect(applied).toBe(true);
    destroyed = true;
    await eventually(
      () => readState(env, ws),
      (state) => expect(state).toEqual(before),
    );
    expect(await topicsWithPrefix(env, ws.topicPrefix)).toEqual([]);
  });
});
