// What `mesh destroy` removes besides subscriptions and published products, on the test services (moto, the Kafka
// broker, Personalize faked with aws-sdk-client-mock and its deletes: ./deleting-personalize.ts): the running example
// is bootstrapped, published, subscribed, trained and deployed on Personalize, and its `items` transform is made a
// Glue job. destroy plans every removal first, deletes the Personalize resources in the order Personalize allows
// (waiting out DELETE PENDING / IN_PROGRESS), revokes grants in batches, resumes after a failure, keeps the data
// without --delete-data and then removes what mesh wrote to the buckets. Every account is read through the SDK.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetJobsCommand, GlueClient } from '@aws-sdk/client-glue';
import { HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { startWireCounter } from '../bootstrap/wire-counter.js';
import { databases, grants, locations } from '../catalog/moto-accounts.js';
import { exampleResults, seedAthenaResults } from '../e2e/aws-example-athena.js';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { functionsIn, objectKeys, topicsWithPrefix } from '../e2e/aws-example-read.js';
import {
  bucketOf,
  createBucket,
  createMskCluster,
  freshExampleAccounts,
  PRODUCERS,
  preparePersonalize,
  REGION,
  rewriteExample,
} from '../e2e/aws-example-setup.js';
import { failureOf, runMesh } from '../support/cli-harness.js';
import { accountClients, motoEndpoint } from '../support/moto.js';
import { DeletingPersonalize } from './deleting-personalize.js';

// The fake moves one status per Describe, so the waits of Personalize jobs and deletions need no real time.
vi.mock('../../src/core/waiter.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/waiter.js')>();
  const instant = async () => {};
  return {
    ...real,
    waitFor: (o: Parameters<typeof real.waitFor>[0]) =>
      real.waitFor(/mesh (personalize status|destroy)/.test(o.resumeHint ?? '') ? { ...o, sleep: instant } : o),
  };
});

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
const C = accounts.central;
const R = accounts.recommendations;
const everyAccount = [...new Set(Object.values(accounts))];
const topicPrefix = `dl${randomBytes(4).toString('hex')}`;
/** The Personalize bucket is the recommendations domain's artifact bucket (the pattern {mesh}-{domain}-{account}). */
const bucket = `music-recommendations-${R}`;
const JOB = 'music-recommendations-items';
let root = '';
let fake: DeletingPersonalize;
/** A file in the songs product's location: the product's data, which mesh did not write. */
let productObject = { bucket: '', key: '' };

interface DocChange {
  action: string;
  key: string;
  type: string;
  id: string;
  dependsOn?: string[];
}
const changesOf = (doc: unknown) => (doc as { plan: { changes: DocChange[] } }).plan.changes;
/** The Personalize kind of a planned change, from its label's id (`personalize:<arn>`) and the fake's record. */
const kindOf = (c: DocChange) => fake.resources.get(c.id.replace(/^personalize:/, ''))?.kind;

const failure = (...args: string[]) => failureOf(mesh(root, ...args), `mesh ${args.join(' ')}`);

/** The outputs.json `personalize deploy` wrote for the functions (the tracker's and campaigns' ARNs). */
async function deployed() {
  return readPersonalizeOutputs(await loadWorkspace(root, { target: 'aws' }), 'recommendations');
}

async function glueJobs(account: string): Promise<string[]> {
  const glue = new GlueClient(await accountClients(account));
  try {
    return ((await glue.send(new GetJobsCommand({}))).Jobs ?? []).map((j) => j.Name ?? '').sort();
  } finally {
    glue.destroy();
  }
}

/** Everything of the workspace but what bootstrap made (kept: destroy runs without --include-bootstrap here). */
async function leftovers() {
  const out: Record<string, unknown> = {};
  for (const account of everyAccount) {
    const state = {
      databases: await databases(account),
      grants: await grants(account),
      functions: Object.keys(await functionsIn(account)),
      glueJobs: await glueJobs(account),
    };
    if (Object.values(state).some((v) => v.length > 0)) out[account] = state;
  }
  const central = await locations(C);
  if (central.length > 0) out.locations = central;
  const personalize = [...fake.resources.values()].map((r) => `${r.kind} ${r.name}`);
  if (personalize.length > 0) out.personalize = personalize;
  const topics = Object.keys(await topicsWithPrefix(topicPrefix));
  if (topics.length > 0) out.topics = topics;
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-destroy-leftovers-'));
  const clusterArn = (await createMskCluster(C, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix });
  const domainFile = path.join(root, 'domains/recommendations/domain.yaml');
  writeFileSync(domainFile, readFileSync(domainFile, 'utf8').replace('engine: athena', 'engine: glue'));
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
  await preparePersonalize(R, bucket, 'music-recommendations-personalize');
  await mesh(root, 'bootstrap');
  fake = new DeletingPersonalize(R, REGION);
}, 120_000);

afterAll(() => {
  fake?.restoreAll();
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('mesh destroy removes Personalize resources, Glue jobs and (with --delete-data) artifacts', () => {
  it('publish, subscribe, personalize train + deploy and a Glue transform leave resources in the accounts', async () => {
    await mesh(root, 'publish-product');
    for (const product of PRODUCERS) await mesh(root, 'subscribe', product, '--domain', 'recommendations');
    const expected = exampleResults(root);
    await seedAthenaResults(R, [expected.items, expected.users, expected.interactions]);
    await mesh(root, 'personalize', 'train', '--domain', 'recommendations');
    await mesh(root, 'personalize', 'deploy', '--domain', 'recommendations');
    await mesh(root, 'transform', 'items', '--domain', 'recommendations', '--no-run');
    const songs = contract(root, 'songs').location;
    productObject = { bucket: bucketOf(songs), key: `${songs.replace(/^s3:\/\/[^/]+\//, '')}part-0.csv` };
    const s3 = new S3Client(await accountClients(accounts.songs));
    await s3.send(new PutObjectCommand({ Bucket: productObject.bucket, Key: productObject.key, Body: 'song_id\ns1\n' }));
    s3.destroy();

    const kinds = [...fake.resources.values()].map((r) => r.kind).sort();
    expect(new Set(kinds)).toEqual(new Set(['campaign', 'dataset', 'dsg', 'filter', 'import', 'schema', 'solution', 'tracker', 'version']));
    expect(await glueJobs(R)).toEqual([JOB]);
    expect((await deployed())?.target).toBe('aws');
    const keys = await objectKeys(R, bucket);
    expect(keys.some((k) => k.startsWith('personalize/recommendations/'))).toBe(true);
    expect(keys.some((k) => k.startsWith('personalize/athena/'))).toBe(true);
    expect(keys).toContain('transforms/recommendations/items/job.py');
  }, 240_000);

  it('--dry-run plans every removal in reverse dependency order and changes nothing', async () => {
    const mutations = fake.mutations().length;
    const changes = changesOf((await mesh(root, 'destroy', '--dry-run')).doc);
    const pz = changes.filter((c) => c.id.startsWith('personalize:'));
    const byKind = (kind: string) => pz.filter((c) => kindOf(c) === kind).map((c) => c.key);
    // Each campaign, event tracker, filter, solution, dataset, dataset group and schema the fake holds, once.
    const held = (kind: string) => [...fake.resources.values()].filter((r) => r.kind === kind).length;
    for (const kind of ['campaign', 'tracker', 'filter', 'solution', 'dataset', 'dsg', 'schema']) {
      expect(held(kind), kind).toBeGreaterThan(0);
      expect(byKind(kind), kind).toHaveLength(held(kind));
    }
    // Import jobs and solution versions have no delete call: they go with their dataset and solution.
    expect(byKind('import')).toEqual([]);
    expect(byKind('version')).toEqual([]);
    const deps = (key: string) => new Set(changes.find((c) => c.key === key)?.dependsOn ?? []);
    const order = ['campaign', 'tracker', 'solution', 'dataset', 'dsg', 'schema'];
    for (let i = 1; i < order.length; i++) {
      for (const later of byKind(order[i] as string))
        for (const earlier of byKind(order[i - 1] as string)) expect(deps(later).has(earlier), `${later} after ${earlier}`).toBe(true);
    }
    for (const solution of byKind('solution')) for (const filter of byKind('filter')) expect(deps(solution).has(filter)).toBe(true);
    // The Glue job of the transform; no data change without --delete-data.
    expect(changes.filter((c) => c.id.startsWith('glue-job:')).map((c) => c.id)).toEqual([`glue-job:${R}:${JOB}`]);
    expect(changes.filter((c) => c.id.startsWith('data:'))).toEqual([]);
    expect(changes.filter((c) => c.id.startsWith('file:')).map((c) => path.basename(c.id))).toEqual(['outputs.json']);
    // The plan table a person reads names them too.
    const table = await runMesh(['--cwd', root, 'destroy', '--dry-run']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Personalize campaign music-recommendations-');
    expect(table.stdout).toContain('Personalize dataset-group music-recommendations');
    expect(table.stdout).toContain(`Glue job ${JOB} (recommendations)`);
    expect(fake.mutations()).toHaveLength(mutations);
    expect(await glueJobs(R)).toEqual([JOB]);
  });

  it('destroy stopped mid-wait or at a failed call resumes on re-run; grants go in batches; nothing mesh made is left, the data is kept', async () => {
    const planned = changesOf((await mesh(root, 'destroy', '--dry-run')).doc);
    const revokes = planned.filter((c) => c.type === 'destroy' && c.action === 'revoke').length;
    const wire = await startWireCounter(motoEndpoint());
    process.env.AWS_ENDPOINT_URL = wire.url;
    try {
      // Stopped while a campaign is DELETE PENDING (as kill -9 would): the re-run waits for that deletion and goes on.
      fake.failOnce.add('Describe campaign');
      expect((await failure('destroy')).message).toContain('one-time failure');
      const deleting = [...fake.resources.values()].filter((r) => r.extra.deleting !== undefined).map((r) => r.kind);
      expect(deleting).toContain('campaign');
      fake.failOnce.add('DeleteDatasetGroup');
      expect((await failure('destroy')).message).toContain('one-time failure');
      // What came before the dataset group is gone; the group and the schemas are left for the next run.
      expect([...fake.resources.values()].map((r) => r.kind).sort()).toEqual(['dsg', 'schema', 'schema', 'schema']);
      expect(((await mesh(root, 'destroy')).doc as PlanDoc).applied).toBe(true);
    } finally {
      process.env.AWS_ENDPOINT_URL = motoEndpoint();
      await wire.close();
    }
    const ops = wire.calls.map((c) => c.operation);
    expect(ops.filter((o) => o === 'RevokePermissions')).toEqual([]);
    const batches = ops.filter((o) => o === 'BatchRevokePermissions').length;
    expect(revokes).toBeGreaterThan(12);
    expect(batches).toBeGreaterThan(0);
    // One call per 20 grants and catalog (the first run revoked them all; the re-runs found none left).
    expect(batches).toBeLessThanOrEqual(Math.ceil(revokes / 20) + everyAccount.length);
    expect(batches).toBeLessThan(revokes / 4);

    // Personalize's order: each delete only once its children were gone (the fake refuses otherwise).
    const deletes = fake
      .mutations()
      .filter((m) => m.command.startsWith('Delete'))
      .map((m) => m.command);
    const last = (c: string) => deletes.lastIndexOf(c);
    const firstOf = (c: string) => deletes.indexOf(c);
    expect(last('DeleteCampaign')).toBeLessThan(firstOf('DeleteSolution'));
    expect(last('DeleteSolution')).toBeLessThan(firstOf('DeleteDatasetGroup'));
    expect(last('DeleteDataset')).toBeLessThan(firstOf('DeleteDatasetGroup'));
    expect(last('DeleteDatasetGroup')).toBeLessThan(firstOf('DeleteSchema'));

    expect(await leftovers()).toEqual({});
    expect(await deployed()).toBeUndefined();
    // The data stays: the product's file, the CSVs and results mesh wrote, the transform's script.
    expect(await objectKeys(accounts.songs, productObject.bucket)).toContain(productObject.key);
    const keys = await objectKeys(R, bucket);
    expect(keys.some((k) => k.startsWith('personalize/recommendations/'))).toBe(true);
    expect(keys).toContain('transforms/recommendations/items/job.py');

    const again = await failure('destroy');
    expect(again.code).toBe('NothingToDestroy');
  }, 240_000);

  it('--delete-data removes the product data and what mesh wrote to the artifact bucket, keeping the bucket; a re-run has nothing to do', async () => {
    const changes = changesOf((await mesh(root, 'destroy', '--dry-run', '--delete-data')).doc);
    expect(changes.map((c) => c.id).sort()).toEqual(
      [
        `data:s3://${bucket}/personalize/athena/`,
        `data:s3://${bucket}/personalize/recommendations/`,
        `data:s3://${bucket}/transforms/recommendations/items/`,
        `data:${contract(root, 'songs').location}`,
      ].sort(),
    );
    expect(((await mesh(root, 'destroy', '--delete-data')).doc as PlanDoc).applied).toBe(true);
    expect(await objectKeys(R, bucket)).toEqual([]);
    expect(await objectKeys(accounts.songs, productObject.bucket)).toEqual([]);
    const s3 = new S3Client(await accountClients(R));
    await expect(s3.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
    s3.destroy();
    expect((await failure('destroy', '--delete-data')).code).toBe('NothingToDestroy');
  }, 120_000);
});
