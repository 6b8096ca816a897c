import type { DomainEntry, ProductEntry } from './entries.js';
import { formatS3Prefix, prefixesOverlap, prefixWithin, type S3Prefix, s3Prefix, unsafeLocationReason } from './locations.js';
import { type PathSegment, ProblemCode } from './problems.js';
import type { Rule } from './rule.js';
import type { SourceFile } from './yaml-source.js';

/**
 * Who may use which S3 location: every declared location is safe to compare, no two domains declare overlapping
 * ones, every product's table location lies inside its own domain's declared locations, and a bucket a product asks
 * mesh to manage (customProperties `bucket: { managed: true }`) is declared by its own domain and by no other.
 */

interface Declared {
  readonly entry: DomainEntry;
  readonly index: number;
  readonly written: string;
  readonly prefix: S3Prefix;
}

function declaredLocations(domains: readonly DomainEntry[], report: Parameters<Rule>[1]): Declared[] {
  const out: Declared[] = [];
  for (const entry of domains) {
    for (const [index, written] of (entry.raw.locations ?? []).entries()) {
      const unsafe = unsafeLocationReason(written);
      const prefix = s3Prefix(written);
      if (unsafe || !prefix) {
        report.at(
          entry.source,
          ['locations', index],
          ProblemCode.UnsafeLocation,
          `"${written}" is refused: ${unsafe ?? 'not an S3 location'}.`,
          {
            hint: 'Declare the bucket or prefix plainly, e.g. s3://<bucket>/products/.',
          },
        );
        continue;
      }
      out.push({ entry, index, written, prefix });
    }
  }
  return out;
}

/** The `bucket` custom property's value in a product file, when it asks for a managed bucket. */
function managedBucketPath(entry: ProductEntry): PathSegment[] | undefined {
  if (!entry.product.table?.managedBucket) return undefined;
  const index = (entry.raw.customProperties ?? []).findIndex((c) => c.property === 'bucket');
  return index < 0 ? ['customProperties'] : ['customProperties', index, 'value'];
}

/**
 * A managed bucket is made in its domain's account and tagged as that domain's: the domain must declare the bucket
 * under `locations:`, and no other domain may declare any prefix of it (what `mesh bootstrap` would refuse).
 */
function managedBucketsOwned(
  products: readonly ProductEntry[],
  owners: ReadonlyMap<SourceFile, DomainEntry>,
  byBucket: ReadonlyMap<string, readonly Declared[]>,
  report: Parameters<Rule>[1],
): void {
  for (const entry of products) {
    const at = managedBucketPath(entry);
    const bucket = s3Prefix(entry.product.table?.location ?? '')?.bucket;
    const owner = owners.get(entry.owner.source);
    if (!at || !bucket || !owner) continue;
    const name = entry.product.name;
    const inBucket = byBucket.get(bucket) ?? [];
    const first = inBucket.find((d) => d.entry !== owner);
    if (first) {
      report.at(
        entry.source,
        at,
        ProblemCode.ManagedBucketNotOwned,
        `Product "${name}" asks mesh to manage bucket ${bucket}, which domain "${first.entry.domain.name}" declares too ("${first.written}").`,
        {
          hint: `A managed bucket belongs to one domain: give ${owner.domain.name} a bucket of its own (declared only in ${owner.source.rel}), or remove the bucket property and manage the bucket yourself.`,
        },
      );
    } else if (!inBucket.some((d) => d.entry === owner)) {
      report.at(
        entry.source,
        at,
        ProblemCode.ManagedBucketNotOwned,
        `Product "${name}" asks mesh to manage bucket ${bucket}, which domain "${owner.domain.name}" does not declare under locations:.`,
        { hint: `Add it to ${owner.source.rel}: locations: ["s3://${bucket}/"], or remove the bucket property from the product file.` },
      );
    }
  }
}

/** Each item under its key, in the order given. */
function groupBy<K, T>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export const locationsOwned: Rule = ({ domains, products }, report) => {
  const declared = declaredLocations(domains, report);
  // Lookups instead of scans, so the rule grows with the number of domains and products, not with their product.
  const owners = new Map<SourceFile, DomainEntry>();
  for (const d of domains) if (!owners.has(d.source)) owners.set(d.source, d);
  const byBucket = groupBy(declared, (d) => d.prefix.bucket);
  const byDomain = groupBy(declared, (d) => d.entry);
  managedBucketsOwned(products, owners, byBucket, report);
  // Overlaps between domains: the later one (in mesh.yaml order) is reported, naming the earlier. Only locations in
  // the same bucket can overlap or share it, so each is compared with the earlier ones of its bucket.
  for (const inBucket of byBucket.values()) {
    for (const [i, a] of inBucket.entries()) {
      for (const b of inBucket.slice(0, i)) {
        if (a.entry === b.entry) continue;
        if (prefixesOverlap(a.prefix, b.prefix)) {
          report.at(
            a.entry.source,
            ['locations', a.index],
            ProblemCode.LocationOverlap,
            `"${a.written}" overlaps "${b.written}", declared by domain "${b.entry.domain.name}".`,
            {
              hint: `A bucket or prefix belongs to one domain. Declare a prefix of your own (another bucket, or a prefix ${b.entry.domain.name} does not declare); ${b.entry.source.rel} declares ${formatS3Prefix(b.prefix)}.`,
            },
          );
        } else {
          // Same bucket (the group's), prefixes apart.
          report.at(
            a.entry.source,
            ['locations', a.index],
            ProblemCode.SharedBucket,
            `Bucket ${a.prefix.bucket} is shared with domain "${b.entry.domain.name}".`,
            {
              severity: 'warning',
              hint: "On aws, Lake Formation registers whole buckets, so each domain's data location access covers the other's prefix; give each domain its own bucket.",
            },
          );
        }
      }
    }
  }

  for (const entry of products) {
    const location = entry.product.table?.location;
    const owner = owners.get(entry.owner.source);
    if (!location || !owner) continue;
    const inner = s3Prefix(location);
    if (!inner) continue; // a local folder (checked when resolved), or refused already
    const mine = byDomain.get(owner) ?? [];
    if (mine.some((d) => prefixWithin(inner, d.prefix))) continue;
    const other = declared.find((d) => d.entry !== owner && prefixesOverlap(inner, d.prefix));
    const suggestion = `s3://${inner.bucket}/${inner.prefix.split('/')[0] ? `${inner.prefix.split('/')[0]}/` : ''}`;
    report.at(
      entry.source,
      ['servers', 0, 'location'],
      ProblemCode.LocationNotDeclared,
      other
        ? `"${location}" lies in ${formatS3Prefix(other.prefix)}, which domain "${other.entry.domain.name}" declares, not "${owner.domain.name}".`
        : `"${location}" is not inside a location domain "${owner.domain.name}" declares.`,
      {
        hint: other
          ? `A product may use its own domain's locations only. Use one of ${owner.source.rel}'s locations${mine.length > 0 ? ` (${mine.map((d) => d.written).join(', ')})` : ''}, or ask ${other.entry.domain.name} for a subscription.`
          : `Add it to ${owner.source.rel}: locations: ["${suggestion}"]${mine.length > 0 ? `, or use one of ${mine.map((d) => d.written).join(', ')}` : ''}.`,
      },
    );
  }
};
