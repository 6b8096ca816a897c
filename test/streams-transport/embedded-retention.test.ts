import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedLog, openEmbeddedLog } from '../../src/streams/transport/embedded-log.js';

let dir: string;
let log: EmbeddedLog;
const HOUR = 3_600_000;
/** The log's clock: tests move it forward instead of waiting for records to age. */
let clock: number;
const value = (n: number, size = 100) => Buffer.from(String(n).padEnd(size, '.'));
const offsetsOf = async (topic: string) => {
  const offsets: number[] = [];
  for await (const record of log.tail({ topic, from: 'beginning', stopAtEnd: true })) offsets.push(record.offset);
  return offsets;
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mesh-streams-retention-'));
  clock = Date.UTC(2026, 0, 1);
  log = await openEmbeddedLog(dir, { now: () => clock });
});
afterEach(async () => {
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

describe('embedded log retention', () => {
  it('drops records older than retention.ms when a later append comes in, and offsets keep counting', async () => {
    const topic = 'mesh.retention.time.v1';
    await log.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': String(HOUR) } });
    const almostExpired = clock - HOUR + 300;
    await log.produce(
      topic,
      [0, 1, 2, 3].map((n) => ({ key: null, value: value(n), timestamp: almostExpired })),
    );
    expect(await offsetsOf(topic)).toEqual([0, 1, 2, 3]);
    clock += 299;
    expect(await log.produce(topic, [{ key: null, value: value(4) }])).toEqual([{ partition: 0, offset: 4 }]);
    expect(await offsetsOf(topic)).toEqual([0, 1, 2, 3, 4]); // 1 ms short of retention.ms: all kept
    clock += 2;
    expect(await log.produce(topic, [{ key: null, value: value(5) }])).toEqual([{ partition: 0, offset: 5 }]);
    expect(await log.endOffsets(topic)).toEqual([{ partition: 0, start: 4, end: 6 }]);
    expect(await offsetsOf(topic)).toEqual([4, 5]);
  });

  it('applies a tightened retention.ms at once, or on enforceRetention(), and resets a group left behind', async () => {
    const topic = 'mesh.retention.explicit.v1';
    await log.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '-1' } });
    const old = clock - 2 * HOUR;
    await log.produce(
      topic,
      [0, 1, 2].map((n) => ({ key: null, value: value(n), timestamp: old })),
    );
    await log.produce(topic, [{ key: null, value: value(3), timestamp: clock - HOUR / 2 }]);
    await log.commit('g-behind', topic, 0, 1);
    expect(await log.enforceRetention(topic)).toBe(0); // -1: keep forever

    await log.alterConfigs(topic, { 'retention.ms': String(HOUR) });
    expect(await log.endOffsets(topic)).toEqual([{ partition: 0, start: 3, end: 4 }]);
    const [batch] = await log.fetch({ group: 'g-behind', topic, fromBeginning: true, maxWaitMs: 0 });
    expect(batch?.records.map((r) => r.offset)).toEqual([3]);

    await log.alterConfigs(topic, { 'retention.ms': String(HOUR / 4) }); // applied by alterConfigs
    expect(await log.endOffsets(topic)).toEqual([{ partition: 0, start: 4, end: 4 }]);
    expect(await offsetsOf(topic)).toEqual([]);
  });

  it('trims each partition from the oldest record down to retention.bytes', async () => {
    const topic = 'mesh.retention.size.v1';
    await log.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.bytes': '1000' } });
    for (let n = 0; n < 30; n++) await log.produce(topic, [{ key: null, value: value(n) }]);
    expect(await log.endOffsets(topic)).toEqual([{ partition: 0, start: 20, end: 30 }]);
    expect(await offsetsOf(topic)).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));

    // One record bigger than the limit stays (Kafka never deletes the segment being written).
    await log.produce(topic, [{ key: null, value: value(30, 5_000) }]);
    expect(await offsetsOf(topic)).toEqual([30]);
  });

  it('enforceRetention() without a topic sweeps every topic and says how many records it removed', async () => {
    const almostExpired = clock - HOUR + 300;
    for (const name of ['mesh.a.v1', 'mesh.b.v1']) {
      await log.ensureTopic({ name, partitions: 2, replicationFactor: 1, configs: { 'retention.ms': String(HOUR) } });
      await log.produce(name, [{ key: Buffer.from('k'), value: value(1), timestamp: almostExpired }]);
    }
    expect(await log.enforceRetention()).toBe(0);
    clock += 301;
    expect(await log.enforceRetention()).toBe(2);
    expect((await log.endOffsets('mesh.b.v1')).map((r) => r.end - r.start)).toEqual([0, 0]);
  });

  it('stores the log in WAL mode so readers never block the writer', async () => {
    const db = new Database(path.join(dir, 'streams.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
