import { readdir, stat } from 'node:fs/promises';
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

export async function exists(abs: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(abs);
    return s.isDirectory() ? 'dir' : 'file';
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
 * Sorted, absolute. A missing folder matches nothing.
 */
export async function expandPattern(baseDir: string, pattern: string): Promise<string[]> {
  const dir = path.resolve(baseDir, path.dirname(pattern));
  const matcher = wildcardRegExp(path.basename(pattern));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names.sort()) {
    if (!matcher.test(name)) continue;
    const abs = path.join(dir, name);
    if ((await exists(abs)) === 'file') files.push(abs);
  }
  return files;
}
