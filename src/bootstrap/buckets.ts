/**
 * Producer buckets mesh manages: only where a product file asks (customProperties `bucket: { managed: true }`), in
 * the owning domain's account, with public access blocked, default encryption and versioning, tagged as mesh's.
 * Pure: the desired buckets from the workspace, and how an observed one differs. Product files are untrusted: a
 * bucket is only planned when its domain alone declares it under `locations:`.
 */
import { MeshError } from '../core/errors.js';
import type { Comparison } from '../engine/plan.js';
import { s3Prefix } from '../workspace/locations.js';
import type { Workspace } from '../workspace/model.js';
import { managedTags } from '../workspace/naming.js';
import type { BucketEncryption, BucketSpec } from './port.js';

export const MANAGED_BY_TAG = 'mesh:managed-by';

const refused = (message: string, hint: string, file: string) =>
  new MeshError('ManagedBucketRefused', `${message} Nothing was changed.`, { hint, details: { file } });

/** Every bucket the product files ask mesh to manage, one spec per bucket (sorted by name). */
export function managedBuckets(ws: Workspace): BucketSpec[] {
  const byName = new Map<string, BucketSpec & { file: string }>();
  for (const p of ws.products) {
    const managed = p.table?.managedBucket;
    if (!p.table || !managed) continue;
    const location = s3Prefix(p.table.location);
    const domain = ws.domains.find((d) => d.name === p.domain);
    if (!location || !domain) {
      throw refused(
        `Product ${p.name} asks mesh to manage the bucket of "${p.table.location}", which is not an s3://<bucket>/ location of a domain.`,
        'Write servers[0].location as s3://<bucket>/<prefix>/ in a bucket your domain file declares.',
        p.file,
      );
    }
    const bucket = location.bucket;
    const inDomain = (domain.locations ?? []).some((l) => s3Prefix(l)?.bucket === bucket);
    if (!inDomain) {
      throw refused(
        `Product ${p.name} asks mesh to manage bucket ${bucket}, which domain ${domain.name} does not declare.`,
        `Declare s3://${bucket}/ under locations: in ${domain.file}, or remove the bucket property from ${p.file}.`,
        p.file,
      );
    }
    const other = ws.domains.find((d) => d.name !== domain.name && (d.locations ?? []).some((l) => s3Prefix(l)?.bucket === bucket));
    if (other) {
      throw refused(
        `Product ${p.name} asks mesh to manage bucket ${bucket}, which domain ${other.name} declares too.`,
        'A managed bucket belongs to one domain: give the domain a bucket of its own, or remove the bucket property.',
        p.file,
      );
    }
    const encryption: BucketEncryption = managed.kmsKey ? { algorithm: 'aws:kms', kmsKey: managed.kmsKey } : { algorithm: 'AES256' };
    const seen = byName.get(bucket);
    if (seen && JSON.stringify(seen.encryption) !== JSON.stringify(encryption)) {
      throw refused(
        `Products ${seen.products.join(', ')} and ${p.name} ask for different default encryption of bucket ${bucket}.`,
        `Give every product in ${bucket} the same bucket.kmsKey (or none).`,
        p.file,
      );
    }
    byName.set(bucket, {
      kind: 's3-bucket',
      account: domain.access.account,
      region: domain.access.region,
      name: bucket,
      domain: domain.name,
      products: [...(seen?.products ?? []), p.name].sort(),
      encryption,
      publicAccessBlocked: true,
      versioning: true,
      tags: managedTags(ws.mesh, domain.name),
      file: seen?.file ?? p.file,
    });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map(({ file: _file, ...spec }) => spec);
}

/** Is an observed bucket mesh's (of this mesh)? Its `mesh:managed-by` tag says so. */
export function isMeshBucket(observed: BucketSpec, desired: BucketSpec): boolean {
  return observed.tags[MANAGED_BY_TAG] === desired.tags[MANAGED_BY_TAG];
}

/** The refusal for a bucket that exists but is not mesh's (not tagged `mesh:managed-by=<managedBy>`): never taken over. */
export function foreignBucket(b: BucketSpec, managedBy: string): MeshError {
  return new MeshError(
    'BucketNotManaged',
    `Bucket ${b.name} (account ${b.account}) exists and is not mesh's (no ${MANAGED_BY_TAG}=${managedBy} tag): mesh does not take it over. Nothing was changed.`,
    {
      hint: `Remove the bucket property from ${b.products.join(', ')} and keep managing the bucket yourself, or choose a bucket name that is not taken for mesh to create.`,
      details: { bucket: b.name, account: b.account },
    },
  );
}

/** Why an observed (mesh) bucket differs from the desired one (empty: it does not). */
export function bucketDifferences(d: BucketSpec, o: BucketSpec): string[] {
  const out: string[] = [];
  if (!o.publicAccessBlocked) out.push('public access not blocked');
  if (JSON.stringify(d.encryption) !== JSON.stringify(o.encryption)) out.push(`default encryption ${describeEncryption(d.encryption)}`);
  if (!o.versioning) out.push('versioning off');
  if (Object.entries(d.tags).some(([k, v]) => o.tags[k] !== v)) out.push('tags');
  return out;
}

export function compareBucket(d: BucketSpec, o: BucketSpec): Comparison {
  const diff = bucketDifferences(d, o);
  return diff.length === 0 ? { action: 'noop', reason: 'up to date' } : { action: 'update', reason: diff.join('; ') };
}

export function describeEncryption(e: BucketEncryption | undefined): string {
  if (!e) return 'none';
  return e.algorithm === 'AES256' ? 'SSE-S3 (AES256)' : `SSE-KMS (${e.kmsKey})`;
}
