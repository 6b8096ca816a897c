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
import { firstLinkBelow } from '../core/symbolic-links.js';

/**
 * Throws `PathThroughLink` when `.mesh`, `.mesh/state`, the local target's folder or a folder on the way to it is a
 * symbolic link. Reads only (lstat); nothing is made.
 */
export function assertPlainStateFolders(root: string, localDir: string): void {
  const workspace = path.resolve(root);
  const link = firstLinkBelow(workspace, path.join(workspace, '.mesh', 'state')) ?? firstLinkBelow(workspace, path.resolve(localDir));
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
