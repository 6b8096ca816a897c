/**
 * The aws side of managed producer buckets: read (HeadBucket, then its tags, public access block, default encryption,
 * versioning), create or update (only the settings that differ; tags read-modify-write), and delete (every object
 * version and delete marker first). Only called with the domain's own S3 client.
 */
import {
  CreateBucketCommand,
  type CreateBucketCommandInput,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../../aws/errors.js';
import { MANAGED_BY_TAG } from '../buckets.js';
import type { BucketEncryption, BucketSpec } from '../port.js';

const BLOCK_ALL = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** What exists of a desired bucket: undefined when it does not; its tags only when it is not mesh's. */
export async function observeBucket(s3: S3Client, d: BucketSpec): Promise<BucketSpec | undefined> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: d.name }));
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchBucket')) return undefined;
    // 403: the name is taken, by another account or out of the domain role's reach. Never ours to take over.
    if (isAwsError(error, 'Forbidden', 'AccessDenied', '403')) {
      const { encryption: _desired, ...rest } = d;
      return { ...rest, tags: {}, publicAccessBlocked: false, versioning: false };
    }
    throw error;
  }
  let tags: Record<string, string> = {};
  try {
    const set = (await s3.send(new GetBucketTaggingCommand({ Bucket: d.name }))).TagSet ?? [];
    tags = Object.fromEntries(set.map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchTagSet', 'NoSuchTagSetError')) throw error;
  }
  const { encryption: _desired, ...rest } = d;
  const base = { ...rest, tags, publicAccessBlocked: false, versioning: false };
  if (tags[MANAGED_BY_TAG] !== d.tags[MANAGED_BY_TAG]) return base;

  let publicAccessBlocked = false;
  try {
    const c = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: d.name }))).PublicAccessBlockConfiguration;
    publicAccessBlocked = Boolean(c?.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets);
  } catch (error) {
    if (!isAwsError(error, 'NoSuchPublicAccessBlockConfiguration')) throw error;
  }
  let encryption: BucketEncryption | undefined;
  try {
    const rules = (await s3.send(new GetBucketEncryptionCommand({ Bucket: d.name }))).ServerSideEncryptionConfiguration?.Rules ?? [];
    const byDefault = rules[0]?.ApplyServerSideEncryptionByDefault;
    if (byDefault?.SSEAlgorithm === 'AES256') encryption = { algorithm: 'AES256' };
    else if (byDefault?.SSEAlgorithm === 'aws:kms' && byDefault.KMSMasterKeyID)
      encryption = { algorithm: 'aws:kms', kmsKey: byDefault.KMSMasterKeyID };
  } catch (error) {
    if (!isAwsError(error, 'ServerSideEncryptionConfigurationNotFoundError')) throw error;
  }
  const status = (await s3.send(new GetBucketVersioningCommand({ Bucket: d.name }))).Status;
  return { ...base, publicAccessBlocked, ...(encryption ? { encryption } : {}), versioning: status === 'Enabled' };
}

/**
 * Creates the bucket (tagged at once, so an interrupted run finds it as mesh's and resumes), then sets what differs:
 * public access block, default encryption, versioning. Existing tags are kept.
 */
export async function putBucket(s3: S3Client, spec: BucketSpec, before: BucketSpec | undefined): Promise<Record<string, unknown>> {
  if (!before) {
    const input: CreateBucketCommandInput = {
      Bucket: spec.name,
      ...(spec.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: spec.region as never } }),
    };
    await s3.send(new CreateBucketCommand(input));
  }
  const tags = { ...(before?.tags ?? {}), ...spec.tags };
  if (!before || Object.entries(spec.tags).some(([k, v]) => before.tags[k] !== v)) {
    const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: spec.name, Tagging: { TagSet } }));
  }
  if (!before?.publicAccessBlocked)
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: spec.name, PublicAccessBlockConfiguration: BLOCK_ALL }));
  const encryption = spec.encryption ?? { algorithm: 'AES256' };
  if (JSON.stringify(before?.encryption) !== JSON.stringify(encryption)) {
    const byDefault =
      encryption.algorithm === 'AES256'
        ? { SSEAlgorithm: 'AES256' as const }
        : { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: encryption.kmsKey };
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: spec.name,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: byDefault, BucketKeyEnabled: encryption.algorithm === 'aws:kms' }],
        },
      }),
    );
  }
  if (!before?.versioning)
    await s3.send(new PutBucketVersioningCommand({ Bucket: spec.name, VersioningConfiguration: { Status: 'Enabled' } }));
  return { bucket: spec.name, arn: `arn:aws:s3:::${spec.name}` };
}

/** destroy --include-bootstrap --delete-data: every object version and delete marker, then the bucket. */
export async function removeBucket(s3: S3Client, spec: BucketSpec): Promise<Record<string, unknown>> {
  let deleted = 0;
  try {
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: spec.name, KeyMarker, VersionIdMarker }));
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
        v.Key ? [{ Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }] : [],
      );
      for (let i = 0; i < objects.length; i += 1000) {
        const batch = objects.slice(i, i + 1000);
        const r = await s3.send(new DeleteObjectsCommand({ Bucket: spec.name, Delete: { Objects: batch, Quiet: true } }));
        const failed = r.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw Object.assign(new Error(`S3 did not delete ${failed.length} object version(s), first ${first?.Key}: ${first?.Message}`), {
            name: first?.Code ?? 'DeleteObjectsFailed',
          });
        }
        deleted += batch.length;
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (KeyMarker);
    await s3.send(new DeleteBucketCommand({ Bucket: spec.name }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchBucket', 'NotFound')) throw error;
  }
  return { bucket: spec.name, versionsDeleted: deleted };
}
