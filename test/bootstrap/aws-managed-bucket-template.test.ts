// `mesh bootstrap --template DIR` with producer buckets mesh manages: the running example with two product files
// asking for it (`bucket: { managed: true }`, one with a KMS key) gets an AWS::S3::Bucket in each producer's account
// template (public access blocked, default encryption, versioning, DeletionPolicy Retain), clean under cfn-lint;
// a product file with a malformed key is refused and nothing is written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { mesh } from '../e2e/aws-example-cli.js';
import { cfnLint } from './cfn-lint.js';

let root: string;
const account = (domain: string) => String(parse(readFileSync(path.join(root, 'domains', domain, 'domain.yaml'), 'utf8')).account);
const contractFile = (domain: string) => path.join(root, 'domains', domain, 'products', `${domain}.odcs.yaml`);

/** Adds `{ property: bucket, value }` to a product file's customProperties. */
function askForBucket(domain: string, value: unknown): void {
  const file = contractFile(domain);
  const doc = parse(readFileSync(file, 'utf8'));
  doc.customProperties = [...(doc.customProperties ?? []), { property: 'bucket', value }];
  writeFileSync(file, stringify(doc));
}

const kmsKey = () => `arn:aws:kms:us-east-1:${account('users')}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-bucket-template-'));
  await mesh(root, 'init', '--example', 'music-streaming');
  askForBucket('songs', { managed: true });
  askForBucket('users', { managed: true, kmsKey: kmsKey() });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bucketOf = (domain: string) => `music-${domain}-${account(domain)}`;

describe('mesh bootstrap --template with managed buckets', () => {
  it("puts each managed bucket in its producer's account template, and none for the others", async () => {
    const out = path.join(root, 'cfn');
    await mesh(root, 'bootstrap', '--template', out);
    const template = (domain: string) => JSON.parse(readFileSync(path.join(out, `mesh-bootstrap-${account(domain)}.json`), 'utf8'));
    const buckets = (t: { Resources: Record<string, { Type: string }> }) =>
      Object.values(t.Resources).filter((r) => r.Type === 'AWS::S3::Bucket');

    const songs = buckets(template('songs'));
    expect(songs).toEqual([
      {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketName: bucketOf('songs'),
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          VersioningConfiguration: { Status: 'Enabled' },
          Tags: [
            { Key: 'mesh:managed-by', Value: 'mesh/music' },
            { Key: 'mesh:domain', Value: 'songs' },
          ],
        },
      },
    ]);
    const users = buckets(template('users'));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      Properties: {
        BucketName: bucketOf('users'),
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKey() }, BucketKeyEnabled: true },
          ],
        },
      },
    });
    // Products that did not ask (each domain of the example has an account of its own): no bucket in their templates.
    for (const domain of ['podcasts', 'interactions']) expect(buckets(template(domain))).toEqual([]);
  });

  it('JSON and YAML templates with buckets pass cfn-lint', async () => {
    const json = path.join(root, 'lint-json');
    const yaml = path.join(root, 'lint-yaml');
    await mesh(root, 'bootstrap', '--template', json);
    await mesh(root, 'bootstrap', '--template', yaml, '--format', 'yaml');
    const files = [...readdirSync(json).map((f) => path.join(json, f)), ...readdirSync(yaml).map((f) => path.join(yaml, f))];
    expect(files.some((f) => readFileSync(f, 'utf8').includes('AWS::S3::Bucket'))).toBe(true);
    const lint = cfnLint(files);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
  });

  it('a product file with a malformed KMS key is refused and nothing is written', async () => {
    const file = contractFile('podcasts');
    const before = readFileSync(file, 'utf8');
    try {
      askForBucket('podcasts', { managed: true, kmsKey: 'alias/../../other-account' });
      const out = path.join(root, 'refused');
      const error = await mesh(root, 'bootstrap', '--template', out).then(
        () => undefined,
        (e: { code?: string; message: string }) => e,
      );
      expect(error?.message).toContain('kmsKey');
      expect(existsSync(out)).toBe(false);
    } finally {
      writeFileSync(file, before);
    }
  });
});
