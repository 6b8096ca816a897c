import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Forward-slash path of `abs` relative to `root`. */
export function relativeTo(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

export function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves `ref` against `baseDir`; undefined when the result leaves the workspace root. */
export function resolveInside(root: string, baseDir: string, ref: string): string | undefined {
  const abs = path.resolve(baseDir, ref);
  return isInside(root, abs) ? abs : undefined;
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
