/** `mesh access list` filters and the text of `mesh access log`. */

import { accessNow } from '../workspace/access-policy.js';
import type { Workspace } from '../workspace/model.js';
import { type AccessLog, accessLog } from './log.js';
import { type AccessEntry, accessEntries } from './state.js';

export { accessLog };

export function listAccess(
  ws: Workspace,
  filter: { pending?: boolean; product?: string; domain?: string },
  now: Date = accessNow(),
): AccessEntry[] {
  return accessEntries(ws, now).filter(
    (e) =>
      (!filter.pending || e.status === 'pending') &&
      (!filter.product || e.product === filter.product) &&
      (!filter.domain || e.consumer === filter.domain || e.producer === filter.domain),
  );
}

export function renderAccessLog(log: AccessLog): string {
  const lines: string[] = [];
  if (log.note) lines.push(log.note);
  if (log.git) {
    if (log.events.length === 0) lines.push(`No access history for ${log.product} in git yet.`);
    for (const e of log.events) {
      const who = `${e.author} <${e.email}>`;
      const recorded = e.recordedBy && e.recordedBy !== who ? ` (recorded: ${e.recordedBy})` : '';
      lines.push(
        `${e.date.slice(0, 10)}  ${e.commit.slice(0, 7)}  ${e.action} ${e.consumer}/${e.product} by ${who}${recorded}${e.detail ? ` — ${e.detail}` : ''}`,
      );
    }
  }
  lines.push(log.git ? '\nNow:' : 'Now:');
  if (log.current.length === 0) lines.push(`  nobody subscribes to ${log.product}`);
  for (const c of log.current)
    lines.push(`  ${c.consumer}/${c.product}  ${c.status}${c.until ? ` until ${c.until}` : ''}${c.reason ? ` (${c.reason})` : ''}`);
  return lines.join('\n');
}
