// Producer buckets `mesh bootstrap` manages (product file: customProperties `bucket: { managed: true }`), on moto,
// every call counted on the wire: created in the domain's account and region with public access blocked, default
// encryption, versioning and mesh's tag (read back through the SDK directly); a re-run with 0 mutating calls; drift
// repaired by the one call it needs; a product without the property gets no bucket; a bucket that exists and is not
// mesh's is refused with nothing changed; destroy --include-bootstrap keeps the bucket (and says so) unless
// --delete-data, which empties every object version first.
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { bootstrapFactory, runBootstrap } from '../../src/bootstrap/run.js';
import { MeshError } from '../../src/core/errors.js';
import { runPlanes } from '../../src/engine/run.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture } from '../catalog/fixtures.js';
import { recordingHost } from '../support/cli-harness.js';
import { accountClients, freshAccounts, motoEndpoint } from '../support/moto.js';
import { roleNames } from './accounts.js';
import { startWireCounter, type WireCounter } from './wire-counter.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const REGION = 'eu-west-1';
let wire: WireCounter;
const made: AwsClients[] = [];

/** The music domain gets a bucket of its own in eu-west-1; its songs product asks mesh to manage it. */
function managedWorkspace(ws: Workspace, bucket: string, kmsKey?: string): Workspace {
  return {
    ...ws,
    domains: ws.domains.map((d) =>
      d.name === 'music' ? { ...d, access: { ...d.access, region: REGION }, locations: [`s3://${bucket}/`] } : d,
    ),
    products: ws.products.map((p) =>
      p.name === 'songs' && p.table
        ? { ...p, table: { ...p.table, location: `s3://${bucket}/songs/`, managedBucket: kmsKey ? { kmsKey } : {} } }
        : p,
    ),
  };
}

function clients(): AwsClients {
  const c = new AwsClients();
  made.push(c);
  return c;
}

const bootstrap = (workspace: Workspace) =>
  runBootstrap({ workspace, target: 'aws', signal: new AbortController().signal, plane: { clients: clients() } });

/** destroy --include-bootstrap's bootstrap part: the bootstrap plane in remove mode, as src/destroy/plane.ts runs it. */
const removeBootstrap = (workspace: Workspace, deleteData: boolean, host = recordingHost()) =>
  runPlanes({
    workspace,
    target: 'aws',
    host,
    signal: new AbortController().signal,
    scope: { include: { publish: false, subscriptions: false } },
    factories: [bootstrapFactory({ clients: clients(), mode: 'remove', deleteData })],
    allowed: new Set(['--allow-delete', '--include-bootstrap']),
    preflight: false,
  });

async function s3(account: string): Promise<S3Client> {
  return new S3Client({ ...(await accountClients(account)), region: REGION, forcePathStyle: true });
}

/** The bucket as S3 holds it, read with the account's own credentials (not mesh's adapters); undefined when absent. */
async function bucketState(account: string, bucket: string) {
  const client = await s3(account);
  const orUndefined = <T>(p: Promise<T>) => p.catch(() => undefined);
  try {
    const exists = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => true,
      () => false,
    );
    if (!exists) return undefined;
    const block = await orUndefined(client.send(new GetPublicAccessBlockCommand({ Bucket: bucket })));
    const enc = await orUndefined(client.send(new GetBucketEncryptionCommand({ Bucket: bucket })));
    const tags = await orUndefined(client.send(new GetBucketTaggingCommand({ Bucket: bucket })));
    return {
      location: (await client.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint,
      publicAccessBlock: block?.PublicAccessBlockConfiguration,
      encryption: enc?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
      versioning: (await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status,
      tags: Object.fromEntries((tags?.TagSet ?? []).map((t) => [t.Key, t.Value])),
    };
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  wire = await startWireCounter(motoEndpoint());
  // Every client mesh makes from here on talks through the counting proxy.
  process.env.AWS_ENDPOINT_URL = wire.url;
});
afterAll(async () => {
  for (const c of made) c.destroy();
  process.env.AWS_ENDPOINT_URL = motoEndpoint();
  await wire?.close();
});

describe('managed producer buckets', () => {
  const accounts = freshAccounts();
  const P = accounts.producer;
  const bucket = `songs-managed-${P}`;
  let fx: Fixture;
  let ws: Workspace;
  beforeAll(() => {
    fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${P}` });
    ws = managedWorkspace(fx.workspace, bucket);
  });
  afterAll(() => fx.cleanup());

  it('bootstrap creates the bucket in the domain account and region: public access blocked, encrypted, versioned, tagged', async () => {
    wire.calls.length = 0;
    const { plan, applied } = await bootstrap(ws);
    expect(applied).toBe(true);
    expect(plan.changes.find((c) => c.ref.type === 'managed-bucket')).toMatchObject({
      action: 'create',
      key: `managed-bucket:${P}/${bucket}`,
      ref: { account: P, label: `bucket ${bucket} (music)` },
    });
    const state = await bucketState(P, bucket);
    expect(state).toEqual({
      location: REGION,
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      encryption: { SSEAlgorithm: 'AES256' },
      versioning: 'Enabled',
      tags: { 'mesh:managed-by': 'mesh/music', 'mesh:domain': 'music' },
    });
    const bucketCalls = wire.calls.filter((c) => c.service === 's3' && c.mutating).map((c) => c.operation);
    expect(bucketCalls).toHaveLength(5); // CreateBucket, tagging, public access block, encryption, versioning
  });

  it('a product without the bucket property gets no bucket', async () => {
    // The other producers' products live in music-data-<P>, which nothing asked mesh to manage.
    expect(await bucketState(P, `music-data-${P}`)).toBeUndefined();
  });

  it('a re-run plans no change and makes 0 mutating calls on the wire', async () => {
    wire.calls.length = 0;
    const { plan, applied } = await bootstrap(ws);
    expect(applied).toBe(false);
    expect(plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}: ${c.reason}`)).toEqual([]);
    expect(wire.calls.some((c) => c.service === 's3')).toBe(true);
    expect(wire.mutating()).toEqual([]);
  });

  it('drift is repaired by the calls it needs (versioning, tags), and a team tag on the bucket is kept', async () => {
    const client = await s3(P);
    try {
      await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      // A team's own tag added, mesh's domain tag lost.
      const TagSet = [
        { Key: 'mesh:managed-by', Value: 'mesh/music' },
        { Key: 'cost-center', Value: 'songs-42' },
      ];
      await client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet } }));
    } finally {
      client.destroy();
    }
    wire.calls.length = 0;
    const { result } = await bootstrap(ws);
    expect(result?.applied.map((c) => `${c.action} ${c.key}: ${c.reason}`)).toEqual([
      `update managed-bucket:${P}/${bucket}: versioning off; tags`,
    ]);
    expect(wire.mutating()).toHaveLength(2);
    expect(await bucketState(P, bucket)).toMatchObject({
      versioning: 'Enabled',
      tags: { 'mesh:managed-by': 'mesh/music', 'mesh:domain': 'music', 'cost-center': 'songs-42' },
    });
  });

  it('destroy --include-bootstrap keeps the bucket and says so; with --delete-data it goes, every version first', async () => {
    const client = await s3(P);
    try {
      for (const body of ['v1', 'v2']) await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'songs/part-0.csv', Body: body }));
      expect((await client.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions).toHaveLength(2);
    } finally {
      client.destroy();
    }
    const host = recordingHost();
    const kept = await removeBootstrap(ws, false, host);
    expect(kept.plan.changes.some((c) => c.ref.type === 'managed-bucket')).toBe(false);
    expect(host.messages.filter((m) => m.code === 'bootstrap.bucket.kept').map((m) => m.data)).toEqual([
      { bucket, account: P, domain: 'music' },
    ]);
    expect((await bucketState(P, bucket))?.versioning).toBe('Enabled');
    expect(await roleNames(P)).toEqual([]);

    const gone = await removeBootstrap(ws, true);
    expect(gone.result?.applied.map((c) => `${c.action} ${c.key}`)).toEqual([`delete managed-bucket:${P}/${bucket}`]);
    expect(await bucketState(P, bucket)).toBeUndefined();
  });
});

describe('a bucket that exists and is not mesh’s', () => {
  const accounts = freshAccounts();
  const P = accounts.producer;
  const bucket = `team-owned-${P}`;
  let fx: Fixture;
  beforeAll(async () => {
    fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${P}` });
    const client = await s3(P);
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    } finally {
      client.destroy();
    }
  });
  afterAll(() => fx.cleanup());

  it('is refused with a clear error before any change, and left as it was', async () => {
    wire.calls.length = 0;
    const error = await bootstrap(managedWorkspace(fx.workspace, bucket)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).code).toBe('BucketNotManaged');
    expect((error as MeshError).message).toBe(
      `Bucket ${bucket} (account ${P}) exists and is not mesh's (no mesh:managed-by=mesh/music tag): mesh does not take it over. Nothing was changed.`,
    );
    expect((error as MeshError).hint).toContain('songs');
    expect(wire.mutating()).toEqual([]);
    expect(await bucketState(P, bucket)).toEqual({
      location: REGION,
      publicAccessBlock: undefined,
      encryption: undefined,
      versioning: undefined,
      tags: {},
    });
    expect(await roleNames(P)).toEqual([]);

    // destroy --include-bootstrap --delete-data never deletes it either.
    await removeBootstrap(managedWorkspace(fx.workspace, bucket), true);
    expect(await bucketState(P, bucket)).toMatchObject({ tags: {} });
  });
});

describe('a managed bucket with a KMS key in the product file', () => {
  const accounts = freshAccounts();
  const P = accounts.producer;
  const bucket = `songs-kms-${P}`;
  const key = `arn:aws:kms:${REGION}:${P}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  let fx: Fixture;
  beforeAll(() => {
    fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${P}` });
  });
  afterAll(() => fx.cleanup());

  it('is encrypted with that key (SSE-KMS), and a re-run makes 0 mutating calls', async () => {
    const ws = managedWorkspace(fx.workspace, bucket, key);
    await bootstrap(ws);
    expect((await bucketState(P, bucket))?.encryption).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key });
    wire.calls.length = 0;
    const { applied } = await bootstrap(ws);
    expect(applied).toBe(false);
    expect(wire.mutating()).toEqual([]);
  });
});
