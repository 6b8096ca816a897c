// The running example on empty moto accounts (an MSK cluster in moto whose brokers are the real Kafka broker), its songs
// product asking mesh to manage its bucket, through the CLI: `mesh bootstrap` creates the bucket; `mesh destroy
// --include-bootstrap` removes what bootstrap made but keeps the bucket with its data, and says so; with --delete-data
// the bucket goes too, every object version first. Read through the SDK directly.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';
import { contract } from '../e2e/aws-example-files.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, PRODUCERS, rewriteExample } from '../e2e/aws-example-setup.js';
import { accountClients } from '../support/moto.js';
import { roleNames } from './accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
const S = accounts.songs;
let root = '';
let bucket = '';

async function withS3<T>(fn: (s3: S3Client) => Promise<T>): Promise<T> {
  const s3 = new S3Client({ ...(await accountClients(S)), forcePathStyle: true });
  try {
    return await fn(s3);
  } finally {
    s3.destroy();
  }
}

const exists = () =>
  withS3((s3) =>
    s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => true,
      () => false,
    ),
  );

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-bucket-destroy-'));
  const clusterArn = (await createMskCluster(accounts.central, '3.5.1')).arn;
  await mesh(root, 'init', '--example', 'music-streaming');
  rewriteExample(root, { accounts, clusterArn, topicPrefix: `mbd${randomBytes(4).toString('hex')}` });
  // The other producers keep making their buckets themselves; songs asks mesh.
  for (const product of PRODUCERS.filter((p) => p !== 'songs'))
    await createBucket(accounts[product], bucketOf(contract(root, product).location));
  bucket = bucketOf(contract(root, 'songs').location);
  const file = path.join(root, 'domains', 'songs', 'products', 'songs.odcs.yaml');
  const doc = parse(readFileSync(file, 'utf8'));
  doc.customProperties.push({ property: 'bucket', value: { managed: true } });
  writeFileSync(file, stringify(doc));
}, 120_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a managed bucket from bootstrap to destroy', () => {
  it('mesh bootstrap creates it, versioned and tagged as mesh’s', async () => {
    expect(await exists()).toBe(false);
    const { applied, plan } = (await mesh(root, 'bootstrap')).doc as PlanDoc;
    expect(applied).toBe(true);
    expect(plan.changes.filter((c) => c.type === 'managed-bucket').map((c) => `${c.action} ${c.id}`)).toEqual([`create ${S}/${bucket}`]);
    const versioning = await withS3((s3) => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })));
    expect(versioning.Status).toBe('Enabled');
    const tags = await withS3((s3) => s3.send(new GetBucketTaggingCommand({ Bucket: bucket })));
    expect(tags.TagSet).toContainEqual({ Key: 'mesh:managed-by', Value: 'mesh/music' });
  });

  it('destroy --include-bootstrap keeps the bucket and its data, and says so', async () => {
    await withS3(async (s3) => {
      for (const body of ['a', 'b']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'products/songs/part-0.csv', Body: body }));
    });
    const { doc } = await mesh(root, 'destroy', '--include-bootstrap');
    const { applied, plan } = doc as PlanDoc;
    expect(applied).toBe(true);
    expect(plan.changes.some((c) => c.type === 'managed-bucket')).toBe(false);
    const warnings = (doc as { warnings?: { code: string; message: string }[] }).warnings ?? [];
    expect(warnings.filter((w) => w.code === 'bootstrap.bucket.kept').map((w) => w.message)).toEqual([
      `kept bucket ${bucket} (songs, account ${S}): it holds product data. --delete-data deletes it with every object version.`,
    ]);
    expect(await exists()).toBe(true);
    const versions = await withS3((s3) => s3.send(new ListObjectVersionsCommand({ Bucket: bucket })));
    expect(versions.Versions).toHaveLength(2);
    expect(await roleNames(S)).toEqual([]);
  });

  it('destroy --include-bootstrap --delete-data deletes it, every version first', async () => {
    const { applied, plan } = (await mesh(root, 'destroy', '--include-bootstrap', '--delete-data')).doc as PlanDoc;
    expect(applied).toBe(true);
    expect(plan.changes.filter((c) => c.type === 'managed-bucket').map((c) => `${c.action} ${c.id}`)).toEqual([`delete ${S}/${bucket}`]);
    expect(await exists()).toBe(false);
  });
});
