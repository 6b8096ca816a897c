import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsStore, type PlayRecord } from '../../src/dev/analytics/index.js';
import { type AnalyticsServer, startAnalyticsServer } from './analytics-server.js';

const T0 = 1_714_557_600; // 2024-05-01T10:00:00Z

function play(n: number, overrides: Partial<PlayRecord> = {}): PlayRecord {
  const timestamp = T0 + n * 17;
  return {
    event_id: `e${n}`,
    item_id: `s${n % 3}`,
    content_type: n % 4 === 0 ? 'podcast' : 'song',
    minute: `${new Date(Math.floor(timestamp / 60) * 60_000).toISOString().slice(0, 16)}:00Z`,
    timestamp,
    ...overrides,
  };
}
const line = (p: unknown) => ({ Data: Buffer.from(`${JSON.stringify(p)}\n`) });

/** The counts, computed from the plays directly: distinct event ids per (minute, content type, item). */
function independentCounts(plays: readonly PlayRecord[]): Map<string, number> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const p of plays) {
    if (seen.has(p.event_id)) continue;
    seen.add(p.event_id);
    const key = `${p.minute}|${p.content_type}|${p.item_id}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('local Firehose endpoint and analytics store', () => {
  let server: AnalyticsServer;
  let client: FirehoseClient;

  beforeEach(async () => {
    server = await startAnalyticsServer(['music-listens']);
    client = new FirehoseClient({
      region: 'us-east-1',
      endpoint: server.analytics.firehoseEndpoint(server.baseUrl),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterEach(async () => {
    client.destroy();
    await server.close();
  });

  it('takes PutRecordBatch from the SDK and counts plays per minute, content type and item, once per event id', async () => {
    const plays = Array.from({ length: 40 }, (_, n) => play(n));
    const withRepeats = [...plays, play(3), play(7), play(11)];
    const out = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'music-listens', Records: withRepeats.map(line) }));
    expect(out.FailedPutCount).toBe(0);
    expect(out.RequestResponses).toHaveLength(withRepeats.length);
    expect(out.RequestResponses?.every((r) => typeof r.RecordId === 'string' && r.ErrorCode === undefined)).toBe(true);

    const expected = independentCounts(plays);
    for (const [key, count] of expected) {
      const [minute = '', contentType = '', itemId = ''] = key.split('|');
      expect(server.analytics.store.playsOf(minute, contentType as 'song' | 'podcast', itemId), key).toBe(count);
    }
    const summary = server.analytics.store.summary();
    expect(summary.totalPlays).toBe(40);
    expect(summary.byContentType).toEqual({ song: plays.filter((p) => p.content_type === 'song').length, podcast: 10 });

    // Redelivery: the same batch again changes nothing.
    await client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'music-listens', Records: withRepeats.map(line) }));
    expect(server.analytics.store.summary()).toEqual(summary);
  });

  it('serves the summary as JSON at /analytics/summary', async () => {
    await client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'music-listens', Records: [line(play(1)), line(play(2)), line(play(4))] }),
    );
    const response = await fetch(`${server.baseUrl}/analytics/summary`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      totalPlays: 3,
      byContentType: { song: 2, podcast: 1 },
      perMinute: [
        { minute: '2024-05-01T10:00:00Z', song: 2, podcast: 0 },
        { minute: '2024-05-01T10:01:00Z', song: 0, podcast: 1 }, // e4 is 68 s after 10:00
      ],
      topItems: [
        { itemId: 's1', contentType: 'podcast', plays: 1 },
        { itemId: 's1', contentType: 'song', plays: 1 },
        { itemId: 's2', contentType: 'song', plays: 1 },
      ],
      latestMinute: '2024-05-01T10:01:00Z',
    });
  });

  it('rejects records that are not play lines, one by one, and keeps the others', async () => {
    const out = await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'music-listens',
        Records: [line(play(1)), { Data: Buffer.from('hello\n') }, line({ ...play(2), content_type: 'audiobook' }), line(play(3))],
      }),
    );
    expect(out.FailedPutCount).toBe(2);
    expect(out.RequestResponses?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InvalidArgumentException',
      'InvalidArgumentException',
      'ok',
    ]);
    expect(out.RequestResponses?.[2]?.ErrorMessage).toMatch(/content_type/);
    expect(server.analytics.store.summary().totalPlays).toBe(2);
  });

  it('answers ResourceNotFoundException for an unknown delivery stream, and serves PutRecord', async () => {
    await expect(client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'other', Records: [line(play(1))] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: expect.stringMatching(/Firehose other .* not found/),
    });
    const single = await client.send(new PutRecordCommand({ DeliveryStreamName: 'music-listens', Record: line(play(5)) }));
    expect(single.RecordId).toMatch(/^[0-9a-f]{56}$/);
    expect(server.analytics.store.summary().totalPlays).toBe(1);
  });

  it('keeps the counts in the workspace database across restarts', async () => {
    await client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'music-listens', Records: [line(play(1)), line(play(2))] }));
    const reopened = await AnalyticsStore.open(server.analytics.dbFile);
    try {
      expect(server.analytics.dbFile.endsWith('/.mesh/local/analytics.db')).toBe(true);
      expect(reopened.summary().totalPlays).toBe(2);
      expect(reopened.addPlays([play(1), play(9)])).toBe(1);
    } finally {
      reopened.close();
    }
  });
});
