/**
 * The folders a run writes its own state into: `<workspace>/.mesh`, `.mesh/state` (the run lock, the state journal
 * and snapshot) and the local target's folder (`mesh.localDir`, default `.mesh/local`: catalog.db, the embedded log,
 * the object store, Personalize outputs). A workspace can ship any of them as a symbolic link (a pull request can add
 * one); a run would then write its lock, its journal and the catalog into whatever folder the link leads to, and
 * release the lock by deleting a file there. The one check every writer of them calls before its first read or write:
 * the lock (src/lock/index.ts), the state store (src/engine/run.ts openState) and `mesh dev`.
 */
import path from 'node:path';
import { MeshError } from '../core/errors.js';
import { firstLinkBelow, firstLinkInside } from '../core/symbolic-links.js';

/**
 * Throws `PathThroughLink` when `.mesh`, `.mesh/state`, the local target's folder, a folder on the way to them, or
 * anything inside them but the object store is a symbolic link. Reads only (lstat, readdir); nothing is made.
 */
export function assertPlainStateFolders(root: string, localDir: string): void {
  const workspace = path.resolve(root);
  const state = path.join(workspace, '.mesh', 'state');
  const local = path.resolve(localDir);
  // The folders themselves, then everything mesh writes below them: the journal, the produce journals, catalog.db,
  // the log, Personalize's datasets and models, transform outputs (a dangling link counts: SQLite or an append would
  // create the file where it leads). The object store's own paths are checked where they are used (storePath).
  const link =
    firstLinkBelow(workspace, state) ??
    firstLinkBelow(workspace, local) ??
    firstLinkInside(state) ??
    firstLinkInside(local, new Set(['s3']));
  if (!link) return;
  const shown = path.relative(workspace, link) || link;
  throw new MeshError(
    'PathThroughLink',
    `${shown} is a symbolic link: mesh writes its lock, state journal and local catalog only into plain folders it makes inside the workspace, never through a link. Nothing was deleted or written there.`,
    {
      hint: `Remove the link (rm ${shown}) and check where it pointed; mesh makes .mesh/state and ${path.relative(workspace, path.resolve(localDir)) || localDir} as plain folders.`,
      details: { path: link },
    },
  );
}
