// The broker's storage (KRaft log dirs) for scripts/services.mjs: kept across stops and starts, formatted only when it
// is not formatted yet (no meta.properties: a fresh clone, a failed format) or when asked to (`up --reformat`).
import fs from 'node:fs';
import path from 'node:path';
import { clusterId } from './config.mjs';

/** The cluster id of the formatted storage in `dataDir` (from the meta.properties StorageTool writes), if any. */
export function formattedClusterId(dataDir) {
  const meta = path.join(dataDir, 'meta.properties');
  if (!fs.existsSync(meta)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(fs.readFileSync(meta, 'utf8'))?.[1]?.trim();
}

/**
 * Makes `dataDir` ready for the broker: keeps formatted storage as it is, else empties `stateDir` and runs
 * `format(clusterId)` (StorageTool format). `writeConfig()` runs in both cases, before formatting (ports may change
 * between starts; the data does not depend on them). Returns a note for the user's log line.
 */
export async function prepareStorage({ stateDir, dataDir, reformat = false, writeConfig, format }) {
  const existing = reformat ? undefined : formattedClusterId(dataDir);
  if (!existing) fs.rmSync(stateDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  writeConfig();
  if (existing) return `kept its data (cluster ${existing}; \`up --reformat\` wipes it)`;
  const id = clusterId();
  await format(id);
  return reformat ? `storage wiped and formatted (cluster ${id})` : `new storage formatted (cluster ${id})`;
}
