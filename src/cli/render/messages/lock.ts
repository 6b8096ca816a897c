import type { AreaRenderers } from './types.js';

/** `30m`, `1h`, `45s`, `250ms`: a lock timeout as the user wrote it. */
function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export const lockRenderers: AreaRenderers<'lock'> = {
  'lock.replaced-expired': (d) => `replaced an expired lock held by ${d.holder} (lock ${d.id}).`,
  'lock.taken-over': (d) => `took over the lock left by ${d.holder} (lock ${d.id}): that process is no longer running.`,
  'lock.waiting': (d) => `waiting for lock held by ${d.holder} (up to ${formatMs(d.timeoutMs)})`,
  'lock.lost': (d) => `lock ${d.id} was no longer held by this run when it ended (mesh unlock?).`,
  'lock.release-failed': (d) => `could not release lock ${d.id} (${d.where}): ${d.error}. Run \`mesh unlock ${d.id}\`.`,
};
