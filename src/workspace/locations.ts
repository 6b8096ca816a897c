/**
 * Product locations and who owns them. A domain file declares the S3 buckets or bucket prefixes its products may use
 * (`locations:`); a product's table location must lie inside one of its own domain's declared locations, and no two
 * domains may declare overlapping ones. Locations are compared as written, segment by segment, so anything that a
 * later step could resolve differently (`.`/`..` segments, `//`, percent-encoded dots, slashes or backslashes,
 * backslashes, control characters, and `*` `?` `$`, which IAM policies read as wildcards and policy variables) is
 * refused before it is compared. No I/O.
 */
import path from 'node:path';
import { configError } from '../core/errors.js';
import type { Domain, Product, Workspace } from './model.js';
import { isInside } from './paths.js';

/** `s3://bucket` or `s3://bucket/prefix…`, the bucket as S3 names them (lowercase, digits, dots, dashes). */
const S3_LOCATION = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/s;

export interface S3Prefix {
  readonly bucket: string;
  /** The key prefix, without a leading slash, ending in `/` unless empty (the whole bucket). */
  readonly prefix: string;
}

/**
 * Why a location written in a contract or a domain file is unsafe to resolve, or undefined when it is safe.
 * Checks the key part segment by segment; a trailing `/` is allowed.
 */
export function unsafeLocationReason(location: string): string | undefined {
  if (location.includes('\\')) return 'it contains a backslash';
  if (/%(2e|2f|5c|00)/i.test(location)) return 'it contains a percent-encoded dot, slash, backslash or NUL (%2e, %2f, %5c, %00)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(location)) return 'it contains a control character';
  const m = S3_LOCATION.exec(location);
  if (!m) return undefined; // not an s3 location: the schema reports it
  const bucket = m[1] ?? '';
  if (bucket.includes('..')) return 'its bucket name has two dots in a row';
  const key = m[2] ?? '';
  if (key === '') return undefined;
  // IAM reads these in the S3 ARNs and `s3:prefix` conditions mesh writes (wildcards, `${…}` policy variables), while
  // ownership compares prefixes as text: `s3://b/*/` would overlap no one on paper and cover every key in a policy.
  if (/[*?$]/.test(key)) return 'it contains "*", "?" or "$", which IAM policies read as a wildcard or a policy variable';
  const segments = key.split('/');
  // A trailing slash leaves one empty last segment; every other segment must have a name.
  if (segments[segments.length - 1] === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'it has an empty path segment (//)';
    if (segment === '.' || segment === '..') return `it has a "${segment}" path segment`;
  }
  return undefined;
}

/** Bucket and key prefix of a safe s3 location, or undefined (not s3, or unsafe). */
export function s3Prefix(location: string): S3Prefix | undefined {
  if (unsafeLocationReason(location)) return undefined;
  const m = S3_LOCATION.exec(location);
  if (!m) return undefined;
  const key = m[2] ?? '';
  return { bucket: m[1] ?? '', prefix: key === '' || key.endsWith('/') ? key : `${key}/` };
}

/** `s3://bucket/prefix/`, always with a trailing slash. */
export function formatS3Prefix(p: S3Prefix): string {
  return `s3://${p.bucket}/${p.prefix}`;
}

/** Is `inner` at or below `outer`? Whole path segments only: `s3://b/products/` does not hold `s3://b/products-x/`. */
export function prefixWithin(inner: S3Prefix, outer: S3Prefix): boolean {
  return inner.bucket === outer.bucket && inner.prefix.startsWith(outer.prefix);
}

export function prefixesOverlap(a: S3Prefix, b: S3Prefix): boolean {
  return prefixWithin(a, b) || prefixWithin(b, a);
}

/**
 * The table location must be the domain's own: an s3 location inside one of its declared locations and no other
 * domain's, a local folder inside its domain folder. Validation reports the same; this guards every plan built from a
 * Workspace, before anything is observed or changed.
 */
export function assertOwnedLocation(ws: Workspace, domain: Domain, product: Product): void {
  const location = product.table?.location ?? '';
  const where = { location: { file: product.file, path: 'servers[0]' } };
  const unsafe = unsafeLocationReason(location);
  if (unsafe) {
    throw configError('UnsafeLocation', `The table location of ${product.name} ("${location}") is refused: ${unsafe}.`, {
      ...where,
      hint: 'Write the location plainly, s3://<bucket>/<prefix>/, inside a location its domain file declares.',
    });
  }
  const inner = s3Prefix(location);
  if (!inner) {
    if (/^s3a?:\/\//.test(location) || !path.isAbsolute(location) || !isInside(domain.dir, location)) {
      throw configError('LocationNotDeclared', `The table location of ${product.name} ("${location}") is not ${domain.name}'s.`, {
        ...where,
        hint: "A local server's path is a folder inside its own domain's folder.",
      });
    }
    return;
  }
  const prefixes = (declared: readonly string[] | undefined) =>
    (declared ?? []).flatMap((d) => {
      const p = s3Prefix(d);
      return p ? [p] : [];
    });
  // A declared location of the domain holds the product, and no other domain declares anything overlapping it.
  const outer = prefixes(domain.locations).find((p) => prefixWithin(inner, p));
  const other = ws.domains.find((d) => d.name !== domain.name && prefixes(d.locations).some((p) => prefixesOverlap(outer ?? inner, p)));
  if (!outer || other) {
    throw configError(
      'LocationNotDeclared',
      `The table location of ${product.name} ("${location}") is not inside a location only ${domain.name} declares${other ? ` (domain ${other.name} declares an overlapping one)` : ''}.`,
      { ...where, hint: `Declare the bucket or prefix under locations: in ${domain.file}, once, for one domain only.` },
    );
  }
}
