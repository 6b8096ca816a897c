/**
 * The analytics domain's local store (SQLite, `<localDir>/analytics.db`): a running count of plays per minute,
 * content type and item, fed by the local Firehose endpoint.
 *
 * Each play is stored once per event id (`plays`, the dedupe set) and counted once in `plays_per_minute`, in the
 * same transaction: a redelivered event changes nothing. WAL mode, so `mesh dev` writes while a page or another
 * process reads.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Workspace } from '../../workspace/model.js';

export type ContentType = 'song' | 'podcast';

/** One play as the analytics ingestor sends it (one JSON line per Firehose record). */
export interface PlayRecord {
  readonly event_id: string;
  readonly item_id: string;
  readonly content_type: ContentType;
  /** ISO 8601 minute, `2024-05-01T10:00:00Z`. */
  readonly minute: string;
  /** Epoch seconds. */
  readonly timestamp: number;
}

export interface MinuteCount {
  readonly minute: string;
  readonly song: number;
  readonly podcast: number;
}

export interface TopItem {
  readonly itemId: string;
  readonly contentType: ContentType;
  readonly plays: number;
}

export interface AnalyticsSummary {
  readonly totalPlays: number;
  readonly byContentType: Record<ContentType, number>;
  /** The most recent minutes with plays, oldest first. */
  readonly perMinute: MinuteCount[];
  readonly topItems: TopItem[];
  /** The latest minute with a play, or null. */
  readonly latestMinute: string | null;
}

export interface SummaryOptions {
  /** Minutes in `perMinute` (default 30). */
  readonly minutes?: number;
  /** Items in `topItems` (default 10). */
  readonly top?: number;
}

/** The analytics database of a workspace. */
export function analyticsDbFile(workspace: Pick<Workspace, 'mesh'>): string {
  return path.join(workspace.mesh.localDir, 'analytics.db');
}

export class AnalyticsStore {
  private readonly insertPlay: BetterSqlite3.Statement;
  private readonly countPlay: BetterSqlite3.Statement;

  private constructor(private readonly db: BetterSqlite3.Database) {
    this.insertPlay = db.prepare(
      `INSERT OR IGNORE INTO plays (event_id, item_id, content_type, minute, ts, received_at)
       VALUES (@event_id, @item_id, @content_type, @minute, @timestamp, @receivedAt)`,
    );
    this.countPlay = db.prepare(
      `INSERT INTO plays_per_minute (minute, content_type, item_id, plays) VALUES (@minute, @content_type, @item_id, 1)
       ON CONFLICT (minute, content_type, item_id) DO UPDATE SET plays = plays + 1`,
    );
  }

  static async open(file: string): Promise<AnalyticsStore> {
    mkdirSync(path.dirname(file), { recursive: true });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS plays (
        event_id TEXT PRIMARY KEY, item_id TEXT NOT NULL, content_type TEXT NOT NULL,
        minute TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS plays_per_minute (
        minute TEXT NOT NULL, content_type TEXT NOT NULL, item_id TEXT NOT NULL, plays INTEGER NOT NULL,
        PRIMARY KEY (minute, content_type, item_id)
      );
    `);
    return new AnalyticsStore(db);
  }

  /** Records plays; returns how many were new (an event id already stored is ignored). */
  addPlays(plays: readonly PlayRecord[]): number {
    const receivedAt = Date.now();
    let added = 0;
    this.db.transaction(() => {
      for (const play of plays) {
        if (this.insertPlay.run({ ...play, receivedAt }).changes === 1) {
          this.countPlay.run(play);
          added++;
        }
      }
    })();
    return added;
  }

  summary(options: SummaryOptions = {}): AnalyticsSummary {
    const minutes = options.minutes ?? 30;
    const top = options.top ?? 10;
    const byContentType: Record<ContentType, number> = { song: 0, podcast: 0 };
    const totals = this.db.prepare('SELECT content_type, SUM(plays) AS plays FROM plays_per_minute GROUP BY content_type').all() as {
      content_type: string;
      plays: number;
    }[];
    for (const row of totals)
      if (row.content_type === 'song' || row.content_type === 'podcast') byContentType[row.content_type] = row.plays;

    const newestFirst = this.db
      .prepare(
        `SELECT minute,
                SUM(CASE WHEN content_type = 'song' THEN plays ELSE 0 END) AS song,
                SUM(CASE WHEN content_type = 'podcast' THEN plays ELSE 0 END) AS podcast
         FROM plays_per_minute GROUP BY minute ORDER BY minute DESC LIMIT ?`,
      )
      .all(minutes) as MinuteCount[];

    const topItems = (
      this.db
        .prepare(
          `SELECT item_id, content_type, SUM(plays) AS plays FROM plays_per_minute
           GROUP BY item_id, content_type ORDER BY plays DESC, item_id ASC LIMIT ?`,
        )
        .all(top) as { item_id: string; content_type: ContentType; plays: number }[]
    ).map((r) => ({ itemId: r.item_id, contentType: r.content_type, plays: r.plays }));

    return {
      totalPlays: byContentType.song + byContentType.podcast,
      byContentType,
      perMinute: [...newestFirst].reverse(),
      topItems,
      latestMinute: newestFirst[0]?.minute ?? null,
    };
  }

  /** Plays of one minute, content type and item (0 when none). */
  playsOf(minute: string, contentType: ContentType, itemId: string): number {
    const row = this.db
      .prepare('SELECT plays FROM plays_per_minute WHERE minute = ? AND content_type = ? AND item_id = ?')
      .get(minute, contentType, itemId) as { plays: number } | undefined;
    return row?.plays ?? 0;
  }

  close(): void {
    this.db.close();
  }
}
