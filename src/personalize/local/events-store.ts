/**
 * The local campaign's real-time store (SQLite, `<localDir>/personalize/<domain>/events.db`): what PutEvents,
 * PutItems and PutUsers send. Durable across processes (WAL), so the dev server writes and `mesh personalize
 * recommend` reads. Events with the same user, item, type, timestamp and properties are stored once, as
 * Personalize de-duplicates them (a redelivered event has no effect). Rows carry an increasing id, so a trained
 * version can record which events it already contains.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Interaction, ItemRecord, Props, UserRecord } from '../recommender/index.js';
import { type DirSignal, WatchedValue } from './change-signal.js';
import { TurnMemo } from './turn-memo.js';

export interface StoredEvent extends Interaction {
  readonly seq: number;
  readonly sessionId?: string;
  readonly eventId?: string;
  readonly recommendationId?: string;
}

export interface StoredEntity<T> {
  readonly seq: number;
  readonly record: T;
}

export interface EventInput {
  readonly userId: string;
  readonly sessionId: string;
  readonly itemId?: string;
  readonly eventType: string;
  readonly eventValue?: number;
  /** Epoch seconds (fractions allowed). */
  readonly sentAt: number;
  readonly eventId?: string;
  readonly recommendationId?: string;
  /** Metadata as PutEvents sends it: a JSON object string. */
  readonly properties?: string;
}

function parseProps(text: string | null): Props {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Props) : {};
  } catch {
    return {};
  }
}

export class EventsStore {
  /** Statements on the serving path, prepared once (preparing per request cost more than running them). */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /**
   * Change tracking for the serving caches: `generation` grows with every write this process makes; a user's
   * events stamp that user, items (and any write by another connection, seen through `PRAGMA data_version`)
   * stamp everything. A result computed at generation g is still exact while `unchangedSince(userId, g)`.
   */
  private gen = 0;
  private allGen = 0;
  private readonly userGen = new Map<string, number>();
  private dataVersion: number;
  private readonly dataVersionNow: { get(): number };

  private constructor(
    private readonly db: BetterSqlite3.Database,
    signal: DirSignal | undefined,
  ) {
    const statement = db.prepare('PRAGMA data_version').pluck();
    this.dataVersion = statement.get() as number;
    const read = () => statement.get() as number;
    this.dataVersionNow = signal ? new WatchedValue(signal, read) : new TurnMemo(read);
  }

  /**
   * The current generation, after noticing writes by other connections (another process: a second dev server,
   * a tool on the file). One query per event-loop turn (see TurnMemo for why that is still exact); with a
   * change signal on the store's directory, one query per notification (see change-signal.ts).
   */
  generation(): number {
    const v = this.dataVersionNow.get();
    if (v !== this.dataVersion) {
      this.dataVersion = v;
      this.everythingChanged();
    }
    return this.gen;
  }

  /** The generation as of the last `generation()` call, plus this process's writes since (no query). */
  get lastGeneration(): number {
    return this.gen;
  }

  /** Has anything a result for `userId` depends on (that user's events, items, another writer) changed since `gen`? */
  unchangedSince(userId: string | undefined, gen: number): boolean {
    return this.allGen <= gen && (userId === undefined || (this.userGen.get(userId) ?? 0) <= gen);
  }

  /** Items (or everything) changed after `gen`. */
  itemsChangedSince(gen: number): boolean {
    return this.allGen > gen;
  }

  private everythingChanged(): void {
    this.allGen = ++this.gen;
    this.userGen.clear(); // every older stamp is now below allGen
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** `signal`: notifications for the file's directory (a long-lived server; reads then follow `afterPoll()`). */
  static async open(file: string, signal?: DirSignal): Promise<EventsStore> {
    mkdirSync(path.dirname(file), { recursive: true });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL, session_id TEXT NOT NULL, item_id TEXT NOT NULL DEFAULT '',
        event_type TEXT NOT NULL, event_value REAL, sent_at REAL NOT NULL,
        event_id TEXT, recommendation_id TEXT, properties TEXT NOT NULL DEFAULT ''
      );
      -- A redelivered event is stored once: by its eventId when it has one (as Personalize keys events), else by
      -- its content.
      CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id) WHERE event_id IS NOT NULL;
      CREATE UNIQUE INDEX IF NOT EXISTS events_content ON events (user_id, item_id, event_type, sent_at, properties)
        WHERE event_id IS NULL;
      CREATE INDEX IF NOT EXISTS events_user ON events (user_id, seq);
      CREATE TABLE IF NOT EXISTS items (seq INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL UNIQUE, properties TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS users (seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL UNIQUE, properties TEXT NOT NULL);
    `);
    return new EventsStore(db, signal);
  }

  /** Stores events; returns how many were new (duplicates are ignored). */
  putEvents(events: readonly EventInput[]): number {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO events (user_id, session_id, item_id, event_type, event_value, sent_at, event_id, recommendation_id, properties)
       VALUES (@userId, @sessionId, @itemId, @eventType, @eventValue, @sentAt, @eventId, @recommendationId, @properties)`,
    );
    let added = 0;
    this.db.transaction(() => {
      for (const e of events) {
        added += insert.run({
          userId: e.userId,
          sessionId: e.sessionId,
          itemId: e.itemId ?? '',
          eventType: e.eventType,
          eventValue: e.eventValue ?? null,
          sentAt: e.sentAt,
          eventId: e.eventId ?? null,
          recommendationId: e.recommendationId ?? null,
          properties: e.properties ?? '',
        }).changes;
      }
    })();
    for (const e of events) this.userGen.set(e.userId, ++this.gen);
    return added;
  }

  /** Inserts or replaces items (PutItems updates the metadata of a known item; it moves to the end of the log). */
  putItems(items: readonly ItemRecord[]): void {
    const del = this.db.prepare('DELETE FROM items WHERE item_id = ?');
    const insert = this.db.prepare('INSERT INTO items (item_id, properties) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const i of items) {
        del.run(i.itemId);
        insert.run(i.itemId, JSON.stringify(i.props));
      }
    })();
    this.everythingChanged();
  }

  putUsers(users: readonly UserRecord[]): void {
    const del = this.db.prepare('DELETE FROM users WHERE user_id = ?');
    const insert = this.db.prepare('INSERT INTO users (user_id, properties) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const u of users) {
        del.run(u.userId);
        insert.run(u.userId, JSON.stringify(u.props));
      }
    })();
  }

  private toEvent(row: Record<string, unknown>): StoredEvent {
    const props = parseProps(row.properties as string | null);
    return {
      seq: row.seq as number,
      userId: row.user_id as string,
      itemId: row.item_id as string,
      timestamp: Math.floor(row.sent_at as number),
      eventType: row.event_type as string,
      ...(row.event_value === null ? {} : { eventValue: row.event_value as number }),
      ...(Object.keys(props).length > 0 ? { props } : {}),
      sessionId: row.session_id as string,
      ...(row.event_id ? { eventId: row.event_id as string } : {}),
      ...(row.recommendation_id ? { recommendationId: row.recommendation_id as string } : {}),
    };
  }

  /** A user's events after `afterSeq`, oldest first. */
  userEvents(userId: string, afterSeq = 0): StoredEvent[] {
    const rows = this.statement('SELECT * FROM events WHERE user_id = ? AND seq > ? ORDER BY sent_at, seq').all(userId, afterSeq) as Record<
      string,
      unknown
    >[];
    return rows.map((r) => this.toEvent(r));
  }

  /** Every event with an item (for training), oldest first. */
  allEvents(): StoredEvent[] {
    const rows = this.db.prepare("SELECT * FROM events WHERE item_id <> '' ORDER BY seq").all() as Record<string, unknown>[];
    return rows.map((r) => this.toEvent(r));
  }

  itemsAfter(afterSeq = 0): StoredEntity<ItemRecord>[] {
    const rows = this.statement('SELECT seq, item_id, properties FROM items WHERE seq > ? ORDER BY seq').all(afterSeq) as {
      seq: number;
      item_id: string;
      properties: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, record: { itemId: r.item_id, props: parseProps(r.properties) } }));
  }

  usersAfter(afterSeq = 0): StoredEntity<UserRecord>[] {
    const rows = this.db.prepare('SELECT seq, user_id, properties FROM users WHERE seq > ? ORDER BY seq').all(afterSeq) as {
      seq: number;
      user_id: string;
      properties: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, record: { userId: r.user_id, props: parseProps(r.properties) } }));
  }

  /** The newest sequence numbers, recorded with a trained version ("contains everything up to here"). */
  watermarks(): { events: number; items: number; users: number } {
    const max = (table: string) => (this.db.prepare(`SELECT COALESCE(MAX(seq), 0) AS m FROM ${table}`).get() as { m: number }).m;
    return { events: max('events'), items: max('items'), users: max('users') };
  }

  close(): void {
    this.db.close();
  }
}
