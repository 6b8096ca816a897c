/**
 * Listens (events of the example's interactions product) for the local end-to-end tests, and the counts the two
 * consumer groups must end up with, computed here from the produced events alone (not with mesh's code):
 *   analytics:        plays (event_type "play") per minute, content type and item, one per distinct event id;
 *   recommendations:  one stored PutEvents event per distinct event id (Personalize keeps the first of an id).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Listen {
  readonly event_id: string;
  readonly user_id: string;
  readonly item_id: string;
  readonly content_type: 'song' | 'podcast';
  readonly event_type: 'play' | 'skip' | 'like';
  readonly session_id: string;
  /** Epoch seconds. */
  readonly timestamp: number;
}

/** A small deterministic PRNG (mulberry32), so a failing composition replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BurstOptions {
  /** Event ids are `<prefix>-<n>`. */
  readonly prefix: string;
  readonly count: number;
  readonly seed: number;
  /** The first event's timestamp (epoch seconds); event n is at `from + n` (distinct, so no two events collide). */
  readonly from: number;
  /** Listeners u0100 … u0100+users-1 (not u0042). */
  readonly users?: number;
}

/**
 * A burst with a known but mixed composition: songs and podcast episodes of the example's catalog, plays, skips and
 * likes, several listeners and sessions, timestamps one second apart (so the burst spans count/60 minutes).
 */
export function burst(options: BurstOptions): Listen[] {
  const next = random(options.seed);
  const users = options.users ?? 30;
  return Array.from({ length: options.count }, (_, n): Listen => {
    const podcast = next() < 0.35;
    const kind = next();
    const user = 100 + Math.floor(next() * users);
    return {
      event_id: `${options.prefix}-${n}`,
      user_id: `u${String(user).padStart(4, '0')}`,
      item_id: podcast
        ? `p${String(1 + Math.floor(next() * 12)).padStart(4, '0')}`
        : `s${String(1 + Math.floor(next() * 25)).padStart(4, '0')}`,
      content_type: podcast ? 'podcast' : 'song',
      event_type: kind < 0.7 ? 'play' : kind < 0.9 ? 'skip' : 'like',
      session_id: `u${user}-${options.prefix}-${Math.floor(n / 40)}`,
      timestamp: options.from + n,
    };
  });
}

/** Writes the events as JSON lines (what `mesh events produce --file` reads) and returns the file. */
export function writeJsonLines(dir: string, name: string, events: readonly Listen[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return file;
}

/** `2024-05-01T10:00:00Z`: the UTC minute of an epoch-seconds timestamp. */
export function minuteOf(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00Z`;
}

/** The first event of each id, in production order. */
export function distinctEvents(produced: readonly Listen[]): Listen[] {
  const seen = new Map<string, Listen>();
  for (const e of produced) if (!seen.has(e.event_id)) seen.set(e.event_id, e);
  return [...seen.values()];
}

export interface ExpectedAnalytics {
  /** `minute|content_type|item_id` → plays. */
  readonly cells: Map<string, number>;
  readonly totalPlays: number;
  readonly byContentType: { song: number; podcast: number };
  /** Minute → plays by content type, oldest first. */
  readonly perMinute: { minute: string; song: number; podcast: number }[];
  /** Items by plays (desc), then item id. */
  readonly topItems: { itemId: string; contentType: string; plays: number }[];
}

export function expectedAnalytics(produced: readonly Listen[]): ExpectedAnalytics {
  const plays = distinctEvents(produced).filter((e) => e.event_type === 'play');
  const cells = new Map<string, number>();
  const minutes = new Map<string, { song: number; podcast: number }>();
  const items = new Map<string, { contentType: string; plays: number }>();
  const byContentType = { song: 0, podcast: 0 };
  for (const e of plays) {
    const minute = minuteOf(e.timestamp);
    const key = `${minute}|${e.content_type}|${e.item_id}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    const m = minutes.get(minute) ?? { song: 0, podcast: 0 };
    m[e.content_type] += 1;
    minutes.set(minute, m);
    const item = items.get(`${e.item_id}|${e.content_type}`) ?? { contentType: e.content_type, plays: 0 };
    item.plays += 1;
    items.set(`${e.item_id}|${e.content_type}`, item);
    byContentType[e.content_type] += 1;
  }
  return {
    cells,
    totalPlays: plays.length,
    byContentType,
    perMinute: [...minutes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([minute, m]) => ({ minute, ...m })),
    topItems: [...items.entries()]
      .map(([key, v]) => ({ itemId: key.split('|')[0] as string, contentType: v.contentType, plays: v.plays }))
      .sort((a, b) => b.plays - a.plays || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0)),
  };
}
