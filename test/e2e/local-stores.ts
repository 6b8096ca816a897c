/**
 * Read-only views of what the two consumer domains hold on the local target, opened beside a running `mesh dev`
 * (both stores are SQLite in WAL mode): the analytics aggregate, and the recommendations domain's real-time events
 * (what PutEvents stored).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** `minute|content_type|item_id` → plays, as the analytics store holds them. */
export function analyticsCells(localDir: string): Map<string, number> {
  const db = new Database(path.join(localDir, 'analytics.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT minute, content_type, item_id, plays FROM plays_per_minute').all() as {
      minute: string;
      content_type: string;
      item_id: string;
      plays: number;
    }[];
    return new Map(rows.map((r) => [`${r.minute}|${r.content_type}|${r.item_id}`, r.plays]));
  } finally {
    db.close();
  }
}

export interface StoredEvent {
  readonly eventId: string | null;
  readonly userId: string;
  readonly itemId: string;
  readonly eventType: string;
}

/** The real-time events of the recommendations domain's local campaign (PutEvents). */
export function recommendationEvents(localDir: string, domain = 'recommendations'): StoredEvent[] {
  const db = new Database(path.join(localDir, 'personalize', domain, 'events.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT event_id AS eventId, user_id AS userId, item_id AS itemId, event_type AS eventType FROM events')
      .all() as StoredEvent[];
  } finally {
    db.close();
  }
}

/** Items or users the recommendations domain's PutItems / PutUsers stored: id → rows (properties by field name). */
export function recommendationEntities(localDir: string, table: 'items' | 'users', domain = 'recommendations'): Map<string, unknown[]> {
  const db = new Database(path.join(localDir, 'personalize', domain, 'events.db'), { readonly: true, fileMustExist: true });
  const idColumn = table === 'items' ? 'item_id' : 'user_id';
  try {
    const rows = db.prepare(`SELECT ${idColumn} AS id, properties FROM ${table}`).all() as { id: string; properties: string }[];
    const out = new Map<string, unknown[]>();
    for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), JSON.parse(r.properties) as unknown]);
    return out;
  } finally {
    db.close();
  }
}

/** Rows of a producer's sample CSV (first line = header), as objects. Simple CSV: the example's ids hold no commas. */
export function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}
