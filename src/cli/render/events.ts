/** `mesh events produce` and `mesh events tail` for people (the --json documents are the results themselves). */
import type { Styles } from '../../io/output.js';
import type { ProduceEventsResult } from '../../streams/events/produce.js';
import type { TailedEvent } from '../../streams/events/tail.js';

/** One line per partition, for people: `partition 0: offsets 12-40 (29 events)`. */
export function describeProduced(result: ProduceEventsResult): string {
  if (result.dryRun) {
    return `Dry run: ${result.valid ?? 0} event(s) valid for ${result.topic}${result.invalid.length > 0 ? `, ${result.invalid.length} invalid` : ''}; nothing was sent.`;
  }
  const notes = [
    ...(result.invalid.length > 0 ? [`skipped ${result.invalid.length} invalid`] : []),
    ...(result.duplicates > 0 ? [`${result.duplicates} duplicate(s) skipped: already stored`] : []),
  ];
  const resumed = result.resumedAfterLine ? `, resuming after line ${result.resumedAfterLine}` : '';
  const head = `Sent ${result.sent} event(s) to ${result.topic}${resumed}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`;
  const rows = result.partitions.map((p) => `  partition ${p.partition}: offsets ${p.firstOffset}-${p.lastOffset} (${p.count})`);
  return [head, ...rows].join('\n');
}

/** A tailed event for people: `p0@15 key=u1 {"userId":"u1",…}` (the decode error instead of the value when it failed). */
export function formatTailedEvent(event: TailedEvent, style: Pick<Styles, 'dim' | 'red'>): string {
  const where = style.dim(`p${event.partition}@${event.offset}${event.key !== null ? ` key=${event.key}` : ''}`);
  return event.error !== undefined ? `${where} ${style.red(`cannot decode: ${event.error}`)}` : `${where} ${JSON.stringify(event.value)}`;
}
