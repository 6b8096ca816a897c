/**
 * The statement mesh keeps in each producer bucket's policy: the data-access role (which Lake Formation uses to read
 * registered locations) may read and write each product's prefix. S3 allows a bucket policy of 20 KB, the other
 * statements of the bucket's owner included, and one resource per product is about 70 characters: a domain with a few
 * hundred products in one bucket would have its `PutBucketPolicy` refused halfway through an apply. Past a budget,
 * the statement names the domain's declared locations in that bucket instead (every product location lies inside one,
 * and the role's own IAM policy already names exactly those); past that, the plan stops before any change.
 */
import { MeshError } from '../core/errors.js';
import { s3Prefix } from '../workspace/locations.js';
import type { Workspace } from '../workspace/model.js';
import { type CatalogNaming, parseS3, sortedUnique, withTrailingSlash } from './names.js';
import type { BucketPolicySpec } from './port.js';

export const BUCKET_POLICY_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'] as const;

/** S3's limit for a whole bucket policy. */
const BUCKET_POLICY_LIMIT = 20 * 1024;
/** What mesh's statement may use of it: the rest stays for the owner's own statements. */
export const MESH_STATEMENT_BUDGET = 12 * 1024;

function specWith(account: string, bucket: string, naming: CatalogNaming, prefixes: readonly string[]): BucketPolicySpec {
  return {
    kind: 'bucket-policy',
    account,
    bucket,
    statement: {
      sid: naming.bucketPolicySid,
      principal: naming.dataAccessRole,
      actions: [...BUCKET_POLICY_ACTIONS],
      resources: sortedUnique([`arn:aws:s3:::${bucket}`, ...prefixes]),
    },
  };
}

const sizeOf = (spec: BucketPolicySpec) => JSON.stringify(spec.statement).length;

export function bucketPolicySpec(ws: Workspace, account: string, bucket: string, naming: CatalogNaming): BucketPolicySpec {
  const prefixes: string[] = [];
  for (const p of ws.products) {
    const s3 = p.table ? parseS3(p.table.location) : undefined;
    const d = ws.domains.find((x) => x.name === p.domain);
    if (s3 && s3.bucket === bucket && d?.access.account === account)
      prefixes.push(`arn:aws:s3:::${bucket}/${withTrailingSlash(s3.key).replace(/^\/$/, '')}*`);
  }
  const exact = specWith(account, bucket, naming, prefixes);
  if (sizeOf(exact) <= MESH_STATEMENT_BUDGET) return exact;
  const declared = ws.domains
    .filter((d) => d.access.account === account)
    .flatMap((d) => (d.locations ?? []).flatMap((l) => s3Prefix(l) ?? []))
    .filter((p) => p.bucket === bucket)
    .map((p) => `arn:aws:s3:::${bucket}/${p.prefix}*`);
  const byLocation = specWith(account, bucket, naming, declared);
  if (declared.length > 0 && sizeOf(byLocation) <= MESH_STATEMENT_BUDGET) return byLocation;
  throw new MeshError(
    'BucketPolicyTooLarge',
    `mesh's statement in the policy of bucket ${bucket} would have ${sizeOf(exact)} characters for ${prefixes.length} products, over the ${MESH_STATEMENT_BUDGET} it may use of S3's ${BUCKET_POLICY_LIMIT}.`,
    {
      hint: `Declare the bucket's product prefixes under locations: in the domain file (e.g. s3://${bucket}/products/): mesh then names those instead of one resource per product.`,
      details: { bucket, products: prefixes.length },
    },
  );
}
