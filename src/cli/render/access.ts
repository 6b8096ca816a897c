/** `mesh access`: an edit's report, and the list of requests. */
import type { AccessChange } from '../../access/actions.js';
import type { AccessEntry } from '../../access/state.js';
import { formatTable } from '../../io/output.js';

/** The written file, or (dry run) the file as it would be. */
export function renderAccessChange(change: AccessChange, summary: string): string {
  return change.written
    ? `${summary}\nRecorded in ${change.file}.`
    : `${summary}\nDry run: ${change.file} would read:\n${change.preview ?? ''}`;
}

/** What an approve, deny or revoke says. */
export function decisionSummary(action: 'approve' | 'deny' | 'revoke', ref: string, change: AccessChange): string {
  if (action === 'deny') return `Denied ${ref}.`;
  if (action === 'revoke') return `Revoked ${ref}. The next mesh apply revokes the grant.`;
  const until = change.entry.until ? ` until ${String(change.entry.until)}` : '';
  return `Approved ${ref} (columns ${(change.entry.columns as string[]).join(', ')})${until}. The next mesh apply grants it.`;
}

export function requestSummary(product: string, change: AccessChange): string {
  const next =
    change.status === 'open'
      ? `${product} needs no approval for these columns: the next mesh apply grants it.`
      : `Pending: the ${change.producer} domain approves it with mesh access approve ${change.consumer}/${product}.`;
  return `Requested ${product} for ${change.consumer}. ${next}`;
}

export function renderAccessList(entries: readonly AccessEntry[]): string {
  if (entries.length === 0) return 'No access requests match.';
  return formatTable(
    ['request', 'status', 'columns', 'until', 'by', 'date', 'purpose / reason'],
    entries.map((e) => [
      `${e.consumer}/${e.product}`,
      e.status,
      e.columns?.join(',') ?? '(all)',
      e.until ?? '',
      e.by ?? '',
      e.date ?? '',
      (e.status === 'denied' || e.status === 'expired' ? e.reason : e.purpose) ?? '',
    ]),
  );
}
