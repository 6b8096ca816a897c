// kill -9 of a process in the middle of a produce loop: every event it saw acknowledged must be readable after
// reopening, and a consumer group must resume from its commits without loss or reordering within a key.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedLog } from '../../src/streams/transport/embedded-log.js';
import type { ConsumedRecord } from '../../src/streams/transport/stream-transport.js';
import { spawnAppender } from './append-child.js';
import { bundleTransport } from './bundle-transport.js';
import { drain } from './transport-contract.js';

let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'mesh-streams-crash-'));
  bundle = await bundleTransport(workDir);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface Event {
  writer: string;
  key: string;
  seq: number;
}
const eventOf = (record: ConsumedRecord) => JSON.parse(record.value?.toString() ?? '{}') as Event;

describe('embedded log under kill -9', () => {
  it('keeps every acknowledged event, and a group resumes without loss or reordering per key', async () => {
    const dir = path.join(workDir, 'crash', '.mesh', 'local');
    const topic = 'mesh.crash.events.v1';
    const child = spawnAppender({ bundle, dir, topic, partitions: 3, keys: 7, count: 0, writer: 'w1' });
    await child.acked(150);

    // A poller works (and commits) while the writer is still appending.
    const poller = await openEmbeddedLog(dir);
    const beforeCrash = await drain(poller, { group: 'g-crash', topic, fromBeginning: true, maxRecords: 20 }, 100, 10_000);
    expect(beforeCrash.length).toBeGreaterThanOrEqual(100);
    await poller.close();

    await child.acked(400);
    child.process.kill('SIGKILL');
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
    const acked = [...child.acks];

    // Restart: a new instance over the same file.
    const reopened = await openEmbeddedLog(dir);
    const ends = await reopened.endOffsets(topic);
    const stored = new Map<string, Event>();
    for await (const record of reopened.tail({ topic, from: 'beginning', stopAtEnd: true })) {
      stored.set(`${record.partition}/${record.offset}`, eventOf(record));
    }
    for (const ack of acked) {
      expect(stored.get(`${ack.partition}/${ack.offset}`)).toEqual({ writer: 'w1', key: ack.key, seq: ack.seq });
    }
    // Offsets are dense from 0 on every partition (nothing half-written is visible).
    for (const range of ends) {
      const offsets = [...stored.keys()].filter((k) => k.startsWith(`${range.partition}/`)).length;
      expect(offsets).toBe(range.end - range.start);
    }

    const total = ends.reduce((sum, r) => sum + r.end, 0);
    const committedBefore = (await reopened.committedOffsets('g-crash', topic)).reduce((sum, c) => sum + c.offset, 0);
    expect(committedBefore).toBe(beforeCrash.length);
    const afterCrash = await drain(reopened, { group: 'g-crash', topic, fromBeginning: true }, total - committedBefore, 10_000);
    const consumed = [...beforeCrash, ...afterCrash].map(eventOf);
    expect(consumed).toHaveLength(total);
    const lastSeq = new Map<string, number>();
    for (const event of consumed) {
      expect(event.seq).toBe((lastSeq.get(event.key) ?? -1) + 1); // per key: no gap, no duplicate, in order
      lastSeq.set(event.key, event.seq);
    }
    expect(consumed.length).toBeGreaterThanOrEqual(acked.length);
    await reopened.close();
  });
});

describe('embedded log with two writer processes', () => {
  it('lets both finish, with unique and dense offsets and every acknowledgement matching the stored event', async () => {
    const dir = path.join(workDir, 'concurrent', '.mesh', 'local');
    const topic = 'mesh.concurrent.events.v1';
    const setup = await openEmbeddedLog(dir);
    await setup.ensureTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    await setup.close();
    // The writers append at the same time, in four phases: each stops at a checkpoint until both have reached it.
    // Within a phase they race for the write lock; the checkpoints make sure that they overlap at all (a writer
    // that started late, e.g. on a slow machine, could otherwise finish before the other began: no concurrency).
    const checkpoints = [10, 40, 70];
    const writers = ['a', 'b'].map((writer) =>
      spawnAppender({ bundle, dir, topic, partitions: 2, keys: 5, count: 300, writer, batch: 3, checkpoints }),
    );
    for (const n of checkpoints) {
      await Promise.all(writers.map((w) => w.reached(n)));
      for (const w of writers) w.release(n);
    }
    const exits = await Promise.all(writers.map((w) => w.exited));
    expect(exits.map((e) => [e.code, e.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);

    const log = await openEmbeddedLog(dir);
    const ends = await log.endOffsets(topic);
    expect(ends.reduce((sum, r) => sum + r.end, 0)).toBe(600);
    const positions = writers.flatMap((w) => w.acks.map((a) => `${a.partition}/${a.offset}`));
    expect(new Set(positions).size).toBe(600);
    for (const range of ends) {
      const offsets = positions
        .filter((p) => p.startsWith(`${range.partition}/`))
        .map((p) => Number(p.split('/')[1]))
        .sort((x, y) => x - y);
      expect(offsets).toEqual(Array.from({ length: range.end }, (_, i) => i));
    }
    const stored = new Map<string, Event>();
    for await (const record of log.tail({ topic, from: 'beginning', stopAtEnd: true })) {
      stored.set(`${record.partition}/${record.offset}`, eventOf(record));
    }
    for (const [index, writer] of writers.entries()) {
      for (const ack of writer.acks) {
        expect(stored.get(`${ack.partition}/${ack.offset}`)).toEqual({ writer: ['a', 'b'][index], key: ack.key, seq: ack.seq });
      }
    }
    // The writers really interleaved (otherwise this test would prove nothing about concurrency): both wrote in each
    // of the four phases, so the writer changes at least once per phase.
    const writerOrder = [...stored.entries()]
      .filter(([p]) => p.startsWith('0/'))
      .sort(([x], [y]) => Number(x.slice(2)) - Number(y.slice(2)));
    const switches = writerOrder.filter(([, e], i) => i > 0 && e.writer !== writerOrder[i - 1]?.[1].writer).length;
    expect(switches).toBeGreaterThanOrEqual(checkpoints.length + 1);
    await log.close();
  });
});

describe('embedded log fairness between processes', () => {
  it('gets a consumer commit in quickly while another process appends without pause', async () => {
    const dir = path.join(workDir, 'fair', '.mesh', 'local');
    const topic = 'mesh.fair.events.v1';
    const child = spawnAppender({ bundle, dir, topic, partitions: 1, keys: 3, count: 0, writer: 'busy', batch: 5, quiet: true });
    try {
      await child.acked(10);
      const poller = await openEmbeddedLog(dir);
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = Date.now();
        await poller.commit('g-fair', topic, 0, i + 1);
        latencies.push(Date.now() - started);
      }
      expect(await poller.committedOffsets('g-fair', topic)).toEqual([{ partition: 0, offset: 20 }]);
      expect(Math.max(...latencies)).toBeLessThan(1_000);
      await poller.close();
    } finally {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  });
});
