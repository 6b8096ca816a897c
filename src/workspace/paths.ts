import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Forward-slash path of `abs` relative to `root`. */
export function relativeTo(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

export function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where `abs` really is: symbolic links resolved in the part of it that exists, the rest kept as written. Undefined
 * for a link that leads nowhere (dangling, or a loop): where a later write through it would land is not known.
 */
function realPathOf(abs: string): string | undefined {
  const missing: string[] = [];
  let current = abs;
  for (;;) {
    try {
      return path.join(realpathSync.native(current), ...missing.reverse());
    } catch {
      if (lstatSync(current, { throwIfNoEntry: false }) !== undefined) return undefined; // there, but not resolvable
      const parent = path.dirname(current);
      if (parent === current) return abs;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * True when `abs` is inside `root` both as written and once symbolic links are followed. A team can commit a link
 * (git keeps them): `data/songs.csv` → `~/.aws/credentials` on a CI runner is inside the workspace as written, and mesh would
 * read, print or copy the file it leads to.
 */
export function isReallyInside(root: string, abs: string): boolean {
  if (!isInside(root, abs)) return false;
  const real = realPathOf(abs);
  const realRoot = realPathOf(root);
  return real !== undefined && realRoot !== undefined && isInside(realRoot, real);
}

/** Resolves `ref` against `baseDir`; undefined when the result leaves `root`, as written or through a symbolic link. */
export function resolveInside(root: string, baseDir: string, ref: string): string | undefined {
  const abs = path.resolve(baseDir, ref);
  return isReallyInside(root, abs) ? abs : undefined;
}

/**
 * True when `abs` is in mesh's own folders: `<root>/.mesh` (state, plans, locks) or the local target's folder
 * `localDir` (every domain's published data), as written or through a symbolic link. No file a team's workspace files
 * name may be there: reading it would hand one domain another's data.
 */
export function inMeshState(root: string, localDir: string, abs: string): boolean {
  return reachesInto(path.join(root, '.mesh'), abs) || reachesInto(localDir, abs);
}

/** True when `abs` is in `dir` as written or once symbolic links are followed (a link into it counts). */
export function reachesInto(dir: string, abs: string): boolean {
  if (isInside(dir, abs)) return true;
  const real = realPathOf(abs);
  const realDir = realPathOf(dir);
  return real !== undefined && realDir !== undefined && isInside(realDir, real);
}

/**
 * A file, a folder, or nothing there. Synchronous underneath, as the workspace's reads are (yaml-source.ts): one stat
 * costs less than the round trip through the thread pool that the promise API makes of it.
 */
export async function exists(abs: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = statSync(abs, { throwIfNoEntry: false });
    return s === undefined ? undefined : s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/**
 * Files matching a pattern whose wildcards (`*`, `?`) are in the last segment only, e.g. `products/*.odcs.yaml`.
 * Sorted, absolute. A missing folder matches nothing. One folder read (synchronous, as above): the entries' types come
 * with it, so only a symbolic link is looked at again (it counts when it leads to a file).
 */
export async function expandPattern(baseDir: string, pattern: string): Promise<string[]> {
  const dir = path.resolve(baseDir, path.dirname(pattern));
  const matcher = wildcardRegExp(path.basename(pattern));
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  // The order of Array.prototype.sort() on the names: by UTF-16 code unit.
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!matcher.test(entry.name) || entry.isDirectory()) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isSymbolicLink() && (await exists(abs)) !== 'file') continue;
    files.push(abs);
  }
  return files;
}
