/**
 * When the portal's snapshot is stale: a fingerprint of the workspace files (mesh.yaml, domain files, contracts,
 * the folders holding them, personalize.yaml) and, locally, the embedded catalog's files. Stat calls only (a few ms
 * for 1,000 products), so the portal re-reads the workspace only when something changed.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CatalogStore } from '../catalog/local/store.js';
import type { Target, Workspace } from '../workspace/model.js';

export async function workspaceFingerprint(ws: Workspace, target: Target): Promise<string> {
  const files = new Set<string>([ws.meshFile, path.join(ws.root, 'domains')]);
  for (const d of ws.domains) {
    files.add(d.file);
    files.add(d.dir);
    if (d.personalizeFile) files.add(d.personalizeFile);
  }
  for (const p of ws.products) {
    files.add(p.file);
    files.add(path.dirname(p.file));
  }
  if (target === 'local') {
    const catalog = CatalogStore.file(ws.mesh.localDir);
    files.add(catalog);
    files.add(`${catalog}-wal`);
  }
  const parts = await Promise.all(
    [...files].map(async (f) => {
      try {
        const s = await stat(f);
        return `${s.mtimeMs}:${s.size}`;
      } catch {
        return '-';
      }
    }),
  );
  return parts.join('|');
}
