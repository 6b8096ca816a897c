/**
 * The analytics ingestor's own bundle, unmocked, against the local Firehose endpoint: the same code as on aws,
 * only AWS_ENDPOINT_URL_FIREHOSE differs. The store must hold exactly the counts computed from the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchResult, type LoadedHandler, lambdaContext, loadHandler, type MskEvent, mskEvent } from '../handlers/handler-harness.js';
import { type AnalyticsServer, startAnalyticsServer } from './analytics-server.js';

const TOPIC = 'mesh.interactions.listens.v1';
const T0 = 1_714_557_600;

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Listen {
  event_id: string;
  user_id: string;
  item_id: string;
  content_type: 'song' | 'podcast';
  event_type: string;
  session_id: string;
  timestamp: number;
}

function listens(count: number, seed: number): Listen[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, n) => {
    const podcast = next() < 0.3;
    const r = next();
    return {
      event_id: `ev-${seed}-${n}`,
      user_id: `u${Math.floor(next() * 20)}`,
      item_id: podcast ? `p${Math.floor(next() * 5)}` : `s${Math.floor(next() * 12)}`,
      content_type: podcast ? 'podcast' : 'song',
      event_type: r < 0.7 ? 'play' : r < 0.85 ? 'skip' : 'like',
      session_id: `sess-${Math.floor(n / 25)}`,
      timestamp: T0 + Math.floor(next() * 600),
    };
  });
}

describe('analytics-ingestor → local Firehose → analytics store', () => {
  let server: AnalyticsServer;
  let loaded: LoadedHandler<MskEvent, BatchResult>;
  const ENV_KEYS = ['AWS_ENDPOINT_URL_FIREHOSE', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'FIREHOSE_STREAM'] as const;
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    server = await startAnalyticsServer(['music-listens']);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_FIREHOSE: server.analytics.firehoseEndpoint(server.baseUrl),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      FIREHOSE_STREAM: 'music-listens',
    });
    delete process.env.FIREHOSE_STREAM_NAME;
    delete process.env.PLAY_EVENT_TYPES;
    loaded = await loadHandler('analytics-ingestor');
  });
  afterAll(async () => {
    loaded.dispose();
    await server.close();
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('counts every play exactly once, with redelivered batches and repeated events', async () => {
    const events = listens(600, 7);
    const records = events.map((value, i) => ({ topic: TOPIC, partition: i % 3, offset: Math.floor(i / 3), value }));
    // The producer repeats a few events (same event id, new offsets).
    const repeats = events.slice(0, 30).map((value, i) => ({ topic: TOPIC, partition: 0, offset: 10_000 + i, value }));
    const all = [...records, ...repeats];

    const batches: (typeof all)[] = [];
    for (let i = 0; i < all.length; i += 100) batches.push(all.slice(i, i + 100));
    const started = performance.now();
    for (const batch of batches) expect(await loaded.handler(mskEvent(batch), lambdaContext)).toEqual({ batchItemFailures: [] });
    // Lambda redelivers two batches (e.g. after a timeout).
    for (const batch of [batches[1], batches[4]])
      expect(await loaded.handler(mskEvent(batch ?? []), lambdaContext)).toEqual({ batchItemFailures: [] });
    const elapsedMs = performance.now() - started;

    // Counted independently from the events: distinct event ids of plays per minute, content type and item.
    const expected = new Map<string, number>();
    for (const e of new Map(events.map((e) => [e.event_id, e])).values()) {
      if (e.event_type !== 'play') continue;
      const minute = `${new Date(Math.floor(e.timestamp / 60) * 60_000).toISOString().slice(0, 16)}:00Z`;
      const key = `${minute}|${e.content_type}|${e.item_id}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const store = server.analytics.store;
    for (const [key, count] of expected) {
      const [minute = '', contentType = '', itemId = ''] = key.split('|');
      expect(store.playsOf(minute, contentType as 'song' | 'podcast', itemId), key).toBe(count);
    }
    const totalPlays = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(store.summary().totalPlays).toBe(totalPlays);
    expect(totalPlays).toBeGreaterThan(300);
    console.log(
      `ingested ${all.length + 200} records in ${batches.length + 2} invocations in ${elapsedMs.toFixed(0)} ms; ${totalPlays} plays counted`,
    );
  });
});
