// Which producer buckets `mesh bootstrap` manages, decided from the files alone (product files are untrusted input):
// only where a product asks, only in a bucket its own domain alone declares, one spec per bucket; how an observed
// bucket differs; and the local target's equivalent, a folder of the local object store made by `mesh bootstrap`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { bucketDifferences, managedBuckets } from '../../src/bootstrap/buckets.js';
import type { BucketSpec } from '../../src/bootstrap/port.js';
import { MeshError } from '../../src/core/errors.js';
import type { Workspace } from '../../src/workspace/model.js';
import { musicFixture } from '../catalog/fixtures.js';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';
import { runMesh } from '../support/cli-harness.js';

const fx = musicFixture({ target: 'aws', bucket: 'music-data' });
afterAll(() => fx.cleanup());
const P = fx.accounts.producer;

/** `music` declares its own bucket `songs-lake`; the named products ask mesh to manage the bucket they are in. */
function asking(products: Record<string, { location: string; kmsKey?: string }>, musicLocations = ['s3://songs-lake/']): Workspace {
  const ws = fx.workspace;
  // A second product of the music domain: albums.
  const songs = ws.products.find((p) => p.name === 'songs');
  const albums = songs ? [{ ...songs, name: 'albums', id: 'urn:mesh:music:music:albums' }] : [];
  return {
    ...ws,
    domains: ws.domains.map((d) => (d.name === 'music' ? { ...d, locations: musicLocations } : d)),
    products: [...ws.products, ...albums].map((p) => {
      const ask = products[p.name];
      if (!ask || !p.table) return p;
      return { ...p, table: { ...p.table, location: ask.location, managedBucket: ask.kmsKey ? { kmsKey: ask.kmsKey } : {} } };
    }),
  };
}

function refusal(fn: () => unknown): MeshError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MeshError) return error;
    throw error;
  }
  throw new Error('expected a MeshError');
}

describe('managedBuckets', () => {
  it('plans no bucket when no product file asks', () => {
    expect(managedBuckets(fx.workspace)).toEqual([]);
  });

  it('one bucket per name, in the owning domain account and region, with every asking product', () => {
    const ws = asking({ songs: { location: 's3://songs-lake/songs/' }, albums: { location: 's3://songs-lake/albums/' } });
    expect(managedBuckets(ws)).toEqual([
      {
        kind: 's3-bucket',
        account: P,
        region: 'us-east-1',
        name: 'songs-lake',
        domain: 'music',
        products: ['albums', 'songs'],
        encryption: { algorithm: 'AES256' },
        publicAccessBlocked: true,
        versioning: true,
        tags: { 'mesh:managed-by': 'mesh/music', 'mesh:domain': 'music' },
      },
    ]);
  });

  it('a KMS key in the product file makes it SSE-KMS; two products that disagree are refused', () => {
    const key = `arn:aws:kms:us-east-1:${P}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(managedBuckets(asking({ songs: { location: 's3://songs-lake/songs/', kmsKey: key } }))[0]?.encryption).toEqual({
      algorithm: 'aws:kms',
      kmsKey: key,
    });
    const e = refusal(() =>
      managedBuckets(
        asking({ songs: { location: 's3://songs-lake/songs/', kmsKey: key }, albums: { location: 's3://songs-lake/albums/' } }),
      ),
    );
    expect(e.code).toBe('ManagedBucketRefused');
    expect(e.message).toContain('different default encryption of bucket songs-lake');
  });

  it('refuses a bucket its domain does not declare', () => {
    const e = refusal(() => managedBuckets(asking({ songs: { location: 's3://someone-elses-bucket/songs/' } })));
    expect(e.code).toBe('ManagedBucketRefused');
    expect(e.message).toBe(
      'Product songs asks mesh to manage bucket someone-elses-bucket, which domain music does not declare. Nothing was changed.',
    );
    expect(e.hint).toContain('locations:');
  });

  it('refuses a bucket another domain declares a prefix of', () => {
    // The fixture's producers share music-data, each with a prefix of its own.
    const e = refusal(() => managedBuckets(asking({ songs: { location: 's3://music-data/music/songs/' } }, ['s3://music-data/music/'])));
    expect(e.code).toBe('ManagedBucketRefused');
    expect(e.message).toMatch(/^Product songs asks mesh to manage bucket music-data, which domain (listeners|podcasts) declares too\./);
  });
});

describe('bucketDifferences', () => {
  const desired = managedBuckets(asking({ songs: { location: 's3://songs-lake/songs/' } }))[0] as BucketSpec;
  it('none for a bucket as desired (other tags are not a difference)', () => {
    expect(bucketDifferences(desired, { ...desired, tags: { ...desired.tags, team: 'songs' } })).toEqual([]);
  });
  it('names each setting that is off', () => {
    const { encryption: _e, ...observed } = desired;
    expect(
      bucketDifferences(desired, { ...observed, publicAccessBlocked: false, versioning: false, tags: { 'mesh:managed-by': 'mesh/music' } }),
    ).toEqual(['public access not blocked', 'default encryption SSE-S3 (AES256)', 'versioning off', 'tags']);
  });
});

describe('the local target', () => {
  let root = '';
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mesh-local-bucket-'));
    await mesh(root, 'init', '--example', 'music-streaming');
    const file = path.join(root, 'domains', 'songs', 'products', 'songs.odcs.yaml');
    const doc = parse(readFileSync(file, 'utf8'));
    doc.customProperties.push({ property: 'bucket', value: { managed: true } });
    writeFileSync(file, stringify(doc));
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('bootstrap makes the managed bucket a folder of the local object store; a re-run changes nothing', async () => {
    const dir = path.join(root, '.mesh', 'local', 's3', 'music-songs-333333333333');
    const first = (await mesh(root, 'bootstrap')).doc as PlanDoc;
    expect(first.applied).toBe(true);
    expect(first.plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.type} ${c.id}`)).toEqual([
      'create local-bucket music-songs-333333333333',
    ]);
    expect(existsSync(dir)).toBe(true);
    const again = (await mesh(root, 'bootstrap')).doc as PlanDoc;
    expect(again.applied).toBe(false);
    expect(again.plan.summary.create).toBe(0);
  });

  it('a product file asking for a managed bucket without an s3 server is refused at validation', async () => {
    const file = path.join(root, 'domains', 'podcasts', 'products', 'podcasts.odcs.yaml');
    const before = readFileSync(file, 'utf8');
    try {
      const doc = parse(before);
      doc.servers = [{ server: 'lake', type: 'local', path: 'data/', format: 'csv' }];
      doc.customProperties.push({ property: 'bucket', value: { managed: true } });
      writeFileSync(file, stringify(doc));
      const run = await runMesh(['--cwd', root, '--json', 'validate']);
      expect(run.code).toBe(2);
      const problems = (JSON.parse(run.stdout) as { error: { details: { problems: { path: string; message: string }[] } } }).error.details
        .problems;
      expect(problems).toEqual([
        expect.objectContaining({
          path: 'customProperties[3].value',
          message: 'A managed bucket needs an s3 server (servers[0].type: s3).',
        }),
      ]);
    } finally {
      writeFileSync(file, before);
    }
  });
});
