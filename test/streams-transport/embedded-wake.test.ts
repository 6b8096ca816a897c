// How a waiting reader of the embedded log learns of an append: at once for an append by this process, and through
// the watch of the log's WAL for an append by another process, not by a poll on a timer. The reader here polls only
// every 10 minutes and its fetch waits as long: only a wake-up hands it the record (the 30 s bound names the failure).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_LOG_FILE, openEmbeddedLog } from '../../src/streams/transport/embedded-log.js';
import { appendSignals } from '../../src/streams/transport/embedded-log-wake.js';
import { spawnAppender } from './append-child.js';
import { bundleTransport } from './bundle-transport.js';

let workDir: string;
let bundle: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'mesh-streams-wake-'));
  bundle = await bundleTransport(workDir);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const NO_POLLING = { pollIntervalMs: 600_000 };
const WAIT_MS = 600_000;

/** The fetch's result, or a failure naming what did not happen within 30 s. */
function woken<T>(fetched: Promise<T>): Promise<T> {
  let bound: NodeJS.Timeout | undefined;
  const notWoken = new Promise<never>((_, reject) => {
    bound = setTimeout(() => reject(new Error('the waiting fetch was not woken by the append within 30 s')), 30_000);
  });
  return Promise.race([fetched, notWoken]).finally(() => clearTimeout(bound));
}

/** Resolves when a reader of `file` starts waiting (it listens for the file's append signal). */
function readerWaiting(file: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (event: string | symbol) => {
      if (event !== file) return;
      appendSignals.off('newListener', check);
      resolve();
    };
    appendSignals.on('newListener', check);
  });
}

describe('embedded log: waking a waiting reader', () => {
  it('an append by another process wakes a fetch that is waiting, without the poll interval', async () => {
    const dir = path.join(workDir, 'other-process');
    const topic = 'mesh.wake.events.v1';
    const child = spawnAppender({ bundle, dir, topic, partitions: 2, keys: 3, count: 1, writer: 'w', checkpoints: [0] });
    await child.reached(0); // the topic exists; nothing appended yet
    const log = await openEmbeddedLog(dir, NO_POLLING);
    try {
      const file = path.resolve(dir, EMBEDDED_LOG_FILE);
      const waiting = readerWaiting(file);
      const fetched = log.fetch({ group: 'g', topic, fromBeginning: true, maxWaitMs: WAIT_MS });
      await waiting;
      child.release(0);
      const batches = await woken(fetched);
      expect(batches.flatMap((b) => b.records.map((r) => JSON.parse(r.value?.toString() ?? '{}')))).toEqual([
        { writer: 'w', key: 'key-0', seq: 0 },
      ]);
      expect((await child.exited).code).toBe(0);
    } finally {
      await log.close();
    }
  });

  it('an append by this process (another connection) wakes a waiting fetch at once', async () => {
    const dir = path.join(workDir, 'same-process');
    const topic = 'mesh.wake.local.v1';
    const reader = await openEmbeddedLog(dir, NO_POLLING);
    const writer = await openEmbeddedLog(dir, NO_POLLING);
    try {
      await writer.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      const waiting = readerWaiting(path.resolve(dir, EMBEDDED_LOG_FILE));
      const fetched = reader.fetch({ group: 'g', topic, fromBeginning: true, maxWaitMs: WAIT_MS });
      await waiting;
      await writer.produce(topic, [{ key: null, value: Buffer.from('hello') }]);
      const batches = await woken(fetched);
      expect(batches.flatMap((b) => b.records.map((r) => r.value?.toString()))).toEqual(['hello']);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});
