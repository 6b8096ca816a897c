// No negative timer delays (Node 24 prints `TimeoutNegativeWarning` for each): kafkajs 2.2.4's request queue computed
// `-1 - Date.now()`; mesh guards it (src/streams/transport/kafkajs-guards.ts). Also: a full disk maps to DiskFull.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storageError } from '../../src/core/storage-errors.js';
import { createKafkaTransport } from '../../src/streams/transport/kafka-transport.js';
import { pendingCheckDelay } from '../../src/streams/transport/kafkajs-guards.js';
import { kafkaBrokers, uniqueTopic } from '../support/kafka.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('timer delays', () => {
  it('kafkajs through mesh never asks for a negative setTimeout delay while producing and reading', async () => {
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      delays.push(Number(ms ?? 0));
      return real(() => fn(...args), ms);
    }) as typeof setTimeout);
    const transport = createKafkaTransport({ brokers: kafkaBrokers(), clientId: 'mesh-test-timers' });
    try {
      const topic = uniqueTopic('mesh-timers');
      await transport.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      await transport.produce(topic, [{ key: null, value: Buffer.from('x') }]);
      let read = 0;
      for await (const _ of transport.tail({ topic, from: 'beginning', stopAtEnd: true })) read += 1;
      expect(read).toBe(1);
      await transport.deleteTopic(topic);
    } finally {
      await transport.close();
    }
    expect(delays.length).toBeGreaterThan(0);
    expect(delays.filter((ms) => !(ms >= 0))).toEqual([]);
  });

  it('schedules the pending-request check only when something waits, never in the past', () => {
    expect(pendingCheckDelay(-1, Date.now(), 0)).toBeUndefined();
    expect(pendingCheckDelay(-1, Date.now(), 2)).toBe(10);
    expect(pendingCheckDelay(1_000_250, 1_000_000, 0)).toBe(250);
    expect(pendingCheckDelay(1_000_250, 1_000_000, 3)).toBe(250);
  });
});

describe('a full disk', () => {
  it('is DiskFull (exit 1) naming the path and the space needed, for SQLite and for the file system', () => {
    const sqlite = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(storageError(sqlite, { path: '/w/.mesh/local/streams.db', bytesNeeded: 3 * 1024 * 1024 })).toMatchObject({
      code: 'DiskFull',
      exitCode: 1,
      message: 'The disk is full: could not write /w/.mesh/local/streams.db (about 3.0 MB more needed).',
      details: { path: '/w/.mesh/local/streams.db', bytesNeeded: 3 * 1024 * 1024 },
    });
    const fs = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/w/out.json' });
    expect(storageError(fs)?.message).toBe('The disk is full: could not write /w/out.json.');
    expect(storageError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBeUndefined();
  });
});
