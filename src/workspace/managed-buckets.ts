/**
 * Which buckets the product files ask mesh to manage (customProperties `bucket: { managed: true }`), for the planes
 * that only need to know it: publish-product's preflight, and the hint on a missing bucket (`mesh bootstrap` makes
 * it). Bootstrap's own rules, which refuse a bucket, are in src/bootstrap/buckets.ts.
 */
import { MeshError } from '../core/errors.js';
import { s3Prefix } from './locations.js';
import type { Domain, Workspace } from './model.js';

/** A bucket some of the named products ask mesh to manage: where it should be, and who asks. */
export interface RequestedBucket {
  readonly bucket: string;
  readonly domain: Domain;
  readonly products: readonly string[];
}

/**
 * The managed buckets the named products (default: all) ask for, one entry per bucket. Unlike `managedBuckets` it
 * never refuses: preflight and error hints only need to know which bucket `mesh bootstrap` should have made.
 */
export function requestedBuckets(ws: Workspace, productNames?: readonly string[]): RequestedBucket[] {
  const names = productNames ? new Set(productNames) : undefined;
  const byName = new Map<string, { domain: Domain; products: string[] }>();
  for (const p of ws.products) {
    if (names && !names.has(p.name)) continue;
    if (!p.table?.managedBucket) continue;
    const bucket = s3Prefix(p.table.location)?.bucket;
    const domain = ws.domains.find((d) => d.name === p.domain);
    if (!bucket || !domain) continue;
    const seen = byName.get(bucket) ?? { domain, products: [] };
    seen.products.push(p.name);
    byName.set(bucket, seen);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bucket, { domain, products }]) => ({ bucket, domain, products: products.sort() }));
}

/**
 * A BucketMissing error for a bucket the product files ask mesh to manage gets the fix that applies: `mesh bootstrap`
 * creates it. Any other error is returned as it is.
 */
export function withManagedBucketHint(ws: Workspace, error: unknown): unknown {
  if (!(error instanceof MeshError) || error.code !== 'BucketMissing') return error;
  const bucket = typeof error.details?.bucket === 'string' ? error.details.bucket : undefined;
  const requested = requestedBuckets(ws).find((b) => b.bucket === bucket);
  if (!requested) return error;
  return new MeshError('BucketMissing', error.message, {
    hint: `${requested.products.join(', ')} ask${requested.products.length === 1 ? 's' : ''} mesh to manage bucket ${requested.bucket} (customProperties bucket: { managed: true }): run \`mesh bootstrap\` to create it in account ${requested.domain.access.account}, then re-run this command.`,
    cause: error.cause ?? error,
    details: { ...error.details, managed: true, products: requested.products },
  });
}
