/**
 * JSON lines → validated, encoded events with an id. The id is the stream port's `eventId` field when it names
 * one, else a hash of the raw line (sha256, first 32 hex digits): the same line produced twice has the same id.
 */
import { createHash } from 'node:crypto';
import type { StreamPort } from '../../workspace/model.js';
import type { CompiledEventSchema } from '../schema/index.js';
import type { ProduceRecord } from '../transport/index.js';
import { CONTENT_TYPE_HEADER, CONTENT_TYPES } from './product-stream.js';

/** The header that carries the event id on every event mesh produces. */
export const EVENT_ID_HEADER = 'mesh-event-id';

export interface InvalidEvent {
  readonly line: number;
  readonly errors: readonly string[];
}

export interface EventLine {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly id: string;
  readonly record: ProduceRecord;
}

/** The key bytes of an event: its key field as text (strings as they are, other values as JSON); null when absent. */
export function eventKey(event: unknown, keyField: string): Buffer | null {
  if (!event || typeof event !== 'object') return null;
  const value = (event as Record<string, unknown>)[keyField];
  if (value === undefined || value === null) return null;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}

export function lineHashId(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 32);
}

export async function readEventLines(
  text: string,
  port: StreamPort,
  schema: CompiledEventSchema,
): Promise<{ events: EventLine[]; invalid: InvalidEvent[]; lines: number }> {
  const { parseJsonLines } = await import('../schema/index.js');
  // The same split as parseJsonLines, for the raw text of each line (hashed into the id).
  const rawLines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const contentType = Buffer.from(CONTENT_TYPES[port.encoding]);
  const events: EventLine[] = [];
  const invalid: InvalidEvent[] = [];
  for (const entry of parseJsonLines(text)) {
    if ('error' in entry) {
      invalid.push({ line: entry.line, errors: [entry.error] });
      continue;
    }
    const check = schema.validate(entry.value);
    if (!check.ok) {
      invalid.push({ line: entry.line, errors: check.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)) });
      continue;
    }
    let id: string;
    if (port.eventId) {
      const value = (entry.value as Record<string, unknown>)[port.eventId];
      if (value === undefined || value === null || value === '') {
        invalid.push({ line: entry.line, errors: [`${port.eventId}: missing (the stream port names it as the event id)`] });
        continue;
      }
      id = typeof value === 'string' ? value : JSON.stringify(value);
    } else {
      id = lineHashId(rawLines[entry.line - 1] ?? '');
    }
    const headers = { [CONTENT_TYPE_HEADER]: contentType, [EVENT_ID_HEADER]: Buffer.from(id, 'utf8') };
    events.push({
      line: entry.line,
      id,
      record: { key: eventKey(entry.value, port.keyField), value: schema.encode(entry.value), headers, id },
    });
  }
  let lines = rawLines.length;
  while (lines > 0 && (rawLines[lines - 1] ?? '').trim() === '') lines -= 1;
  return { events, invalid, lines };
}
