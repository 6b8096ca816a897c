// A product that asks mesh to manage its bucket (customProperties `bucket: { managed: true }`) in accounts where
// `mesh bootstrap` has not made the bucket yet, on moto, every call counted: the publish preflight refuses with one
// HeadBucket per managed bucket and no mutating call, naming the bucket and `mesh bootstrap`; a plan without the
// preflight (--dry-run) fails with BucketMissing whose hint says to run `mesh bootstrap`; after bootstrap both pass.
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflight } from '../../src/bootstrap/preflight.js';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { MeshError } from '../../src/core/errors.js';
import type { PlanScope } from '../../src/engine/plane.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture, runCatalog } from '../catalog/fixtures.js';
import { accountClients, freshAccounts } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { producer: P } = accounts;
const LAKE = `songs-lake-${P}`;
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter);
const SONGS: PlanScope = { include: { publish: true, subscriptions: false }, products: ['songs'] };
let fx: Fixture;
let managed: Workspace;

/** music declares a bucket of its own, and songs asks mesh to manage it. */
function withManagedBucket(ws: Workspace): Workspace {
  return {
    ...ws,
    domains: ws.domains.map((d) => (d.name === 'music' ? { ...d, locations: [`s3://${LAKE}/`] } : d)),
    products: ws.products.map((p) =>
      p.name === 'songs' && p.table ? { ...p, table: { ...p.table, location: `s3://${LAKE}/songs/`, managedBucket: {} } } : p,
    ),
  };
}

const bootstrap = (workspace: Workspace) =>
  runBootstrap({ workspace, target: 'aws', signal: new AbortController().signal, plane: { clients } });

async function refusal(run: Promise<unknown>): Promise<MeshError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MeshError)) throw new Error(`expected a MeshError, got ${String(error)}`);
  return error;
}

async function bucketExists(account: string, bucket: string): Promise<boolean> {
  const s3 = new S3Client({ ...(await accountClients(account)), forcePathStyle: true });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  } finally {
    s3.destroy();
  }
}

beforeAll(async () => {
  fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${P}` });
  managed = withManagedBucket(fx.workspace);
  // Bootstrapped before songs asked for a managed bucket: everything is there but the bucket.
  expect((await bootstrap(fx.workspace)).applied).toBe(true);
});
afterAll(() => fx.cleanup());

describe('publish-product with a managed bucket that mesh bootstrap has not made', () => {
  it('without managed buckets the preflight makes no HeadBucket', async () => {
    counter.reset();
    await preflight({ workspace: fx.workspace, target: 'aws', scope: SONGS, clients });
    expect(counter.calls.filter((c) => c.operation === 'HeadBucket')).toEqual([]);
  });

  it('the preflight refuses: one HeadBucket, no mutating call, naming the bucket and mesh bootstrap', async () => {
    counter.reset();
    const error = await refusal(preflight({ workspace: managed, target: 'aws', scope: SONGS, clients }));
    expect(error.code).toBe('PreflightFailed');
    expect(error.message).toContain(`managed bucket ${LAKE} (music): the bucket ${LAKE} that songs asks mesh to manage does not exist yet`);
    expect(error.hint).toMatch(/^Run `mesh bootstrap`/);
    expect(error.hint).toContain(`Create it with mesh bootstrap (in account ${P}`);
    expect(counter.calls.filter((c) => c.operation === 'HeadBucket')).toHaveLength(1);
    expect(counter.mutating).toEqual([]);
    expect(await bucketExists(P, LAKE)).toBe(false);
  });

  it('a plan without the preflight (--dry-run) fails with BucketMissing, its hint saying to run mesh bootstrap', async () => {
    counter.reset();
    const error = await refusal(runCatalog(managed, SONGS, { dryRun: true, plane: { clients } }));
    expect(error.code).toBe('BucketMissing');
    expect(error.message).toBe(`Bucket ${LAKE} does not exist in account ${P}.`);
    expect(error.hint).toBe(
      `songs asks mesh to manage bucket ${LAKE} (customProperties bucket: { managed: true }): run \`mesh bootstrap\` to create it in account ${P}, then re-run this command.`,
    );
    expect(error.details).toMatchObject({ bucket: LAKE, account: P, managed: true, products: ['songs'] });
    expect(counter.mutating).toEqual([]);
  });

  it('a bucket nobody asks mesh to manage keeps the generic hint', async () => {
    const unmanaged = {
      ...managed,
      products: managed.products.map((p) => (p.table ? { ...p, table: { ...p.table, managedBucket: undefined } } : p)),
    };
    const error = await refusal(runCatalog(unmanaged, SONGS, { dryRun: true, plane: { clients } }));
    expect(error.code).toBe('BucketMissing');
    expect(error.hint).toBe("Create the producer's bucket (or fix the table location in the product's contract) before publishing.");
  });

  it('after mesh bootstrap the preflight passes with the same one HeadBucket, and the plan reads the bucket', async () => {
    expect((await bootstrap(managed)).applied).toBe(true);
    expect(await bucketExists(P, LAKE)).toBe(true);
    counter.reset();
    await preflight({ workspace: managed, target: 'aws', scope: SONGS, clients });
    expect(counter.calls.filter((c) => c.operation === 'HeadBucket')).toHaveLength(1);
    expect(counter.mutating).toEqual([]);
    const { plan } = await runCatalog(managed, SONGS, { dryRun: true, plane: { clients } });
    expect(plan.changes.some((c) => c.ref.type === 'bucket-policy')).toBe(true);
  });
});
