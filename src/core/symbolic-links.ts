/**
 * "Never through a symbolic link": the one check for folders mesh writes into or deletes from. A workspace (or a
 * pull request to it) can ship a link where mesh expects one of its own folders or files; a write through it lands
 * wherever the link leads, and a clean-up deletes there. Reads only (lstat); nothing is made.
 */
import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { MeshError } from './errors.js';

/**
 * The first symbolic link among the parts of `target` below `base` (`base` itself is not looked at), top down; with a
 * `target` outside `base`, only `target` itself. Undefined when there is none up to the first part that does not
 * exist yet (mesh makes the rest as plain folders).
 */
export function firstLinkBelow(base: string, target: string): string | undefined {
  const from = path.resolve(base);
  const to = path.resolve(target);
  const relative = path.relative(from, to);
  const parts =
    relative === '' || relative.startsWith('..') || path.isAbsolute(relative)
      ? [to]
      : relative
          .split(path.sep)
          .filter((p) => p.length > 0)
          .map((_, i, all) => path.join(from, ...all.slice(0, i + 1)));
  for (const part of parts) {
    try {
      if (lstatSync(part).isSymbolicLink()) return part;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The first symbolic link anywhere inside `dir` (its entries, their entries, …), skipping the entries of `dir` named in
 * `skip`. One readdir per folder (the entries' types come with it). Undefined for none, or when `dir` does not exist.
 */
export function firstLinkInside(dir: string, skip: ReadonlySet<string> = new Set()): string | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) return full;
    if (entry.isDirectory()) {
      const found = firstLinkInside(full);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Throws `PathThroughLink` when a part of `target` below `base` is a symbolic link. `what`: what mesh was about to do. */
export function refuseLinkBelow(base: string, target: string, what: string): void {
  const link = firstLinkBelow(base, target);
  if (link === undefined) return;
  throw new MeshError(
    'PathThroughLink',
    `${link} is a symbolic link: ${what} only into plain folders and files, never through a link. Nothing was written or deleted there.`,
    { hint: `Remove the link (and check where it led), then run the command again.`, details: { path: link } },
  );
}
