/**
 * The local object store: `s3://bucket/key` lives at `<localDir>/s3/<bucket>/<key>`. A location that is a plain
 * path (not s3://) is used where it is (validation keeps it inside its domain's folder).
 *
 * Containment: every store path is checked before anything is read, written or deleted. The location must be safe
 * to resolve (no `.`/`..`/empty segments, no percent-encoded dots or slashes, no backslashes), and the folder, resolved
 * with symbolic links (fs.realpath of its deepest existing ancestor), must lie inside the store's root, itself
 * resolved the same way. A file or folder inside a location that is a link leading elsewhere is refused too.
 * Violations throw MeshError `PathOutsideStore` and change nothing.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { MeshError } from '../../core/errors.js';
import { firstLinkBelow, refuseLinkBelow } from '../../core/symbolic-links.js';
import { s3Prefix, unsafeLocationReason } from '../../workspace/locations.js';
import type { TableFormat } from '../../workspace/model.js';
import { isInside } from '../../workspace/paths.js';
import { extensionsOf } from '../formats.js';
import { parseS3 } from '../names.js';

export function objectStoreRoot(localDir: string): string {
  return path.join(localDir, 's3');
}

function outsideStore(what: string, detail: string): MeshError {
  return new MeshError('PathOutsideStore', `${what} is outside the local object store: ${detail}. Nothing was read, written or deleted.`, {
    hint: "Use a plain location inside the domain's declared locations (s3://<bucket>/<prefix>/), and remove symbolic links from .mesh/s3.",
    details: { location: what },
  });
}

/** `abs` with symbolic links resolved: fs.realpath of its deepest existing ancestor, plus the rest as written. */
export function resolvedPath(abs: string): string {
  let existing = path.resolve(abs);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A dangling link is not a missing folder: resolving it would land wherever it points.
      if (code !== 'ENOENT' || isLink(existing)) throw outsideStore(abs, `${existing} cannot be resolved (${code ?? 'dangling link'})`);
      const parent = path.dirname(existing);
      if (parent === existing) return path.join(existing, ...rest.reverse());
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A plain-path location (a `type: local` server), which validation keeps inside its domain's folder as written. A
 * symbolic link on the way (a folder of the workspace that a pull request made a link to anywhere) would lead
 * publishing's writes and the queries' reads elsewhere: every folder from the workspace (the deepest folder the
 * location shares with the local state folder) down to the location must be a plain folder.
 */
function plainPath(localDir: string, location: string): string {
  const abs = path.resolve(location);
  const base = path.resolve(localDir).split(path.sep);
  const parts = abs.split(path.sep);
  let shared = 0;
  while (shared < base.length && shared < parts.length && base[shared] === parts[shared]) shared++;
  const link = firstLinkBelow(parts.slice(0, shared).join(path.sep) || path.sep, abs);
  if (link !== undefined) {
    throw new MeshError(
      'PathThroughLink',
      `${link} is a symbolic link: the local folder ${abs} of a product must be a plain folder inside its domain's folder. Nothing was read, written or deleted.`,
      { hint: `Remove the link (and check where it led), or point the server's path at a plain folder.`, details: { location } },
    );
  }
  return abs;
}

/**
 * The checked folder on disk for a table location: for an s3:// location, inside `<localDir>/s3` (symbolic links
 * included); a plain path as it is, through no symbolic link (`PathThroughLink`). Throws `PathOutsideStore` otherwise.
 */
export function storePath(localDir: string, location: string): string {
  if (!parseS3(location)) return plainPath(localDir, location);
  const s3 = s3Prefix(location);
  if (!s3) throw outsideStore(location, unsafeLocationReason(location) ?? 'it is not a plain s3://<bucket>/<prefix>/ location');
  const root = objectStoreRoot(localDir);
  const dir = path.join(root, s3.bucket, ...s3.prefix.split('/').filter((p) => p.length > 0));
  const realRoot = resolvedPath(root);
  if (!isInside(root, dir) || !isInside(realRoot, resolvedPath(dir))) {
    throw outsideStore(location, `it resolves to ${resolvedPath(dir)}, not below ${realRoot}`);
  }
  // No link from the local folder down (the store, a bucket, a prefix): one would lead a domain's writes, deletes or
  // reads into another bucket of the store, or out of it.
  refuseLinkBelow(localDir, dir, "mesh keeps a product's objects in the local object store");
  return dir;
}

/** The folder on disk that holds a table location's files (checked: see storePath). */
export function locationDir(localDir: string, location: string): string {
  return storePath(localDir, location);
}

const hasExtension = (file: string, format: TableFormat) => extensionsOf(format).some((ext) => file.toLowerCase().endsWith(ext));

/**
 * The data files of a table (recursively, for partition folders), sorted. A symbolic link inside the folder that
 * leads out of it is refused (PathOutsideStore), so a listing never hands out a file elsewhere.
 */
export function dataFiles(dir: string, format: TableFormat): string[] {
  if (!existsSync(dir)) return [];
  const realDir = resolvedPath(dir);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (isLink(full) && !isInside(realDir, resolvedPath(full))) throw outsideStore(full, 'it is a symbolic link leading elsewhere');
      if (statSync(full).isDirectory()) walk(full);
      else if (hasExtension(name, format)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/**
 * Puts a product's sample file at its location. In the object store (an s3:// location) it replaces the data files
 * there; a plain-path location is the user's folder, so nothing there is removed, and a sample already inside it
 * stays where it is. `dir` must come from storePath/locationDir; the target file is never written through a link.
 */
export function storeSample(dir: string, sample: string, format: TableFormat, inObjectStore: boolean): string {
  const target = path.join(dir, path.basename(sample));
  if (path.resolve(sample) === path.resolve(target)) return target;
  if (isLink(target)) throw outsideStore(target, 'it is a symbolic link');
  // Everything to delete is listed (and checked) before the first change.
  const old = inObjectStore ? dataFiles(dir, format).filter((f) => f !== target) : [];
  mkdirSync(dir, { recursive: true });
  for (const file of old) rmSync(file);
  copyFileSync(sample, target);
  return target;
}
