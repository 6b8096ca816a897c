// The behaviour every StreamTransport must show, run against the embedded log and against the real Kafka broker.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/streams/transport/partitioner.js';
import type { ConsumedRecord, FetchRequest, PartitionBatch, StreamTransport } from '../../src/streams/transport/stream-transport.js';

export interface ContractHarness {
  /** A new transport instance over the same store/broker (a "restart" opens another one). */
  open(): Promise<StreamTransport>;
  /** Extra wait for the first fetch of a new group (Kafka joins the group first). */
  readonly joinWaitMs: number;
  /** Deletes whatever the store keeps between runs. */
  dispose?(): Promise<void>;
}

const text = (value: string) => Buffer.from(value);

/** Topic names made by uniqueName, deleted after the suite so reruns do not pile topics up on the broker. */
const madeTopics = new Set<string>();

export function uniqueName(prefix: string): string {
  const name = `mesh.contract.${prefix}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  madeTopics.add(name);
  return name;
}

/** Fetches until some batch arrives or the time runs out (absorbs group-join time on Kafka). */
export async function fetchSome(t: StreamTransport, request: FetchRequest, timeoutMs: number): Promise<PartitionBatch[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batches = await t.fetch({ maxWaitMs: 500, ...request });
    if (batches.length > 0 || Date.now() > deadline) return batches;
  }
}

/** Lambda-like poller: fetch, "process", commit, until `count` records were processed. */
/**
 * Fetches and commits until `count` distinct records (by partition and offset) were seen. Delivery is at least once:
 * a Kafka group rebalance while the poller joins can hand out records again from the last commit, so a record seen
 * twice is kept once (in the order first seen); losing one fails the caller's count.
 */
export async function drain(t: StreamTransport, request: FetchRequest, count: number, timeoutMs: number): Promise<ConsumedRecord[]> {
  const seen = new Map<string, ConsumedRecord>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < count && Date.now() < deadline) {
    for (const batch of await t.fetch({ maxWaitMs: 500, ...request })) {
      for (const record of batch.records) {
        const id = `${record.partition}/${record.offset}`;
        if (!seen.has(id)) seen.set(id, record);
      }
      await t.commit(request.group, request.topic, batch.partition, batch.nextOffset);
    }
  }
  return [...seen.values()];
}

export function describeTransportContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`StreamTransport contract: ${name}`, () => {
    let harness: ContractHarness;
    let t: StreamTransport;
    const opened: StreamTransport[] = [];
    const open = async () => {
      const transport = await harness.open();
      opened.push(transport);
      return transport;
    };

    beforeAll(async () => {
      harness = await makeHarness();
      t = await open();
    });
    afterAll(async () => {
      for (const topic of madeTopics) await t?.deleteTopic(topic).catch(() => false);
      for (const transport of opened) await transport.close();
      await harness?.dispose?.();
    });

    it('creates a topic with its partitions and configs, reads them back, and is idempotent', async () => {
      const topic = uniqueName('admin');
      const configs = { 'retention.ms': '3600000', 'cleanup.policy': 'delete' };
      expect(await t.ensureTopic({ name: topic, partitions: 3, replicationFactor: 1, configs })).toEqual({ created: true });
      expect(await t.ensureTopic({ name: topic, partitions: 3, replicationFactor: 1, configs })).toEqual({ created: false });
      expect(await t.describeTopic(topic)).toEqual({ name: topic, partitions: 3, replicationFactor: 1, configs });
      expect(await t.listTopics()).toContain(topic);
      expect(await t.describeTopic(`${topic}.missing`)).toBeUndefined();

      await t.alterConfigs(topic, { 'retention.bytes': '1048576', 'cleanup.policy': null });
      expect((await t.describeTopic(topic))?.configs).toEqual({ 'retention.ms': '3600000', 'retention.bytes': '1048576' });

      await expect(
        t.ensureTopic({ name: uniqueName('bad'), partitions: 1, replicationFactor: 1, configs: { 'retention.msec': '1' } }),
      ).rejects.toMatchObject({ code: 'TopicConfigUnknown', hint: 'Did you mean "retention.ms"?' });
      expect(await t.deleteTopic(topic)).toBe(true);
      expect(await t.describeTopic(topic)).toBeUndefined();
      expect(await t.deleteTopic(topic)).toBe(false);
    });

    it('round-trips keys, values, headers and timestamps at the offsets produce() acknowledged', async () => {
      const topic = uniqueName('roundtrip');
      await t.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      const timestamp = Date.now() - 60_000;
      const positions = await t.produce(topic, [
        { key: text('user-1'), value: text('{"n":1}'), headers: { 'content-type': text('application/json') }, timestamp },
        { key: null, value: text('{"n":2}') },
        { key: text('user-1'), value: Buffer.alloc(0) },
      ]);
      expect(positions).toEqual([
        { partition: 0, offset: 0 },
        { partition: 0, offset: 1 },
        { partition: 0, offset: 2 },
      ]);
      const [batch, ...others] = await fetchSome(t, { group: 'g-roundtrip', topic, fromBeginning: true }, harness.joinWaitMs);
      expect(others).toEqual([]);
      expect(batch?.nextOffset).toBe(3);
      const first = batch?.records[0];
      expect(first?.key?.toString()).toBe('user-1');
      expect(first?.value?.toString()).toBe('{"n":1}');
      expect(first?.headers['content-type']?.toString()).toBe('application/json');
      expect(first?.timestamp).toBe(timestamp);
      expect(batch?.records[1]?.key).toBeNull();
      expect(batch?.records[2]?.value?.length).toBe(0);
      expect(await t.endOffsets(topic)).toEqual([{ partition: 0, start: 0, end: 3 }]);
      await expect(t.produce(`${topic}.missing`, [{ key: null, value: text('x') }])).rejects.toMatchObject({
        code: 'TopicNotFound',
      });
    });

    it('puts each key on the partition Kafka would pick and keeps per-key order through a poller', async () => {
      const topic = uniqueName('order');
      await t.ensureTopic({ name: topic, partitions: 4, replicationFactor: 1 });
      const keys = Array.from({ length: 12 }, (_, i) => `listener-${i}`);
      let sent = 0;
      for (let round = 0; round < 5; round++) {
        const records = Array.from({ length: 24 }, (_, i) => {
          const key = keys[(i * 7 + round) % keys.length] ?? 'none';
          return { key: text(key), value: text(JSON.stringify({ key, seq: sent++ })) };
        });
        const positions = await t.produce(topic, records);
        positions.forEach((position, i) => {
          expect(position.partition).toBe(partitionForKey(records[i]?.key ?? Buffer.alloc(0), 4));
        });
      }
      const seen = await drain(t, { group: 'g-order', topic, fromBeginning: true, maxRecords: 7 }, sent, 15_000 + harness.joinWaitMs);
      expect(seen).toHaveLength(sent);
      const lastSeqByKey = new Map<string, number>();
      for (const record of seen) {
        const { key, seq } = JSON.parse(record.value?.toString() ?? '{}') as { key: string; seq: number };
        expect(record.partition).toBe(partitionForKey(text(key), 4));
        expect(seq).toBeGreaterThan(lastSeqByKey.get(key) ?? -1);
        lastSeqByKey.set(key, seq);
      }
      expect(new Set(seen.map((r) => `${r.partition}/${r.offset}`)).size).toBe(sent);
    });

    it('hands an uncommitted batch out again, and moves on only after commit', async () => {
      const topic = uniqueName('commit');
      await t.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      await t.produce(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: text('k'), value: text(`v${i}`) })),
      );
      const request = { group: 'g-commit', topic, fromBeginning: true, maxRecords: 4 };
      const first = await fetchSome(t, request, harness.joinWaitMs);
      expect(first.map((b) => b.records.map((r) => r.offset))).toEqual([[0, 1, 2, 3]]);
      // "The handler failed": no commit, so the same records come again.
      const again = await t.fetch(request);
      expect(again.map((b) => b.records.map((r) => r.value?.toString()))).toEqual([['v0', 'v1', 'v2', 'v3']]);
      expect(await t.committedOffsets('g-commit', topic)).toEqual([]);
      await t.commit('g-commit', topic, 0, first[0]?.nextOffset ?? -1);
      expect(await t.committedOffsets('g-commit', topic)).toEqual([{ partition: 0, offset: 4 }]);
      const next = await t.fetch(request);
      expect(next.map((b) => b.records.map((r) => r.offset))).toEqual([[4, 5, 6, 7]]);
    });

    it('replays from an earlier offset when a commit moves the group back', async () => {
      const topic = uniqueName('rewind');
      await t.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      await t.produce(
        topic,
        Array.from({ length: 6 }, (_, i) => ({ key: null, value: text(`v${i}`) })),
      );
      const request = { group: 'g-rewind', topic, fromBeginning: true, maxRecords: 10 };
      const seen = await drain(t, request, 6, harness.joinWaitMs + 5_000);
      expect(seen.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);
      await t.commit('g-rewind', topic, 0, 2);
      const replay = await fetchSome(t, request, harness.joinWaitMs);
      expect(replay.flatMap((b) => b.records.map((r) => r.offset))).toEqual([2, 3, 4, 5]);
    });

    it('resumes a consumer group where it committed after a restart (a new transport instance)', async () => {
      const topic = uniqueName('resume');
      await t.ensureTopic({ name: topic, partitions: 2, replicationFactor: 1 });
      const records = Array.from({ length: 40 }, (_, i) => ({ key: text(`k${i % 5}`), value: text(String(i)) }));
      await t.produce(topic, records);
      const before = await open();
      const firstHalf = await drain(
        before,
        { group: 'g-resume', topic, fromBeginning: true, maxRecords: 10 },
        20,
        harness.joinWaitMs + 10_000,
      );
      await before.close();
      const committed = await t.committedOffsets('g-resume', topic);
      const committedTotal = committed.reduce((sum, c) => sum + c.offset, 0);
      expect(committedTotal).toBe(firstHalf.length);

      const after = await open();
      const rest = await drain(
        after,
        { group: 'g-resume', topic, fromBeginning: true },
        40 - firstHalf.length,
        harness.joinWaitMs + 10_000,
      );
      const values = [...firstHalf, ...rest].map((r) => Number(r.value?.toString())).sort((a, b) => a - b);
      expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i));
      await after.close();
    });

    it('starts a new group at the end of the log unless fromBeginning', async () => {
      const topic = uniqueName('latest');
      await t.ensureTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      await t.produce(topic, [{ key: null, value: text('old') }]);
      expect(await t.fetch({ group: 'g-latest', topic, maxWaitMs: 200 })).toEqual([]);
      await t.produce(topic, [{ key: null, value: text('new') }]);
      const batches = await fetchSome(t, { group: 'g-latest', topic }, harness.joinWaitMs);
      expect(batches.flatMap((b) => b.records.map((r) => r.value?.toString()))).toEqual(['new']);
    });

    it('increases partitions, sends keys by the new count, and refuses to shrink', async () => {
      const topic = uniqueName('grow');
      await t.ensureTopic({ name: topic, partitions: 2, replicationFactor: 1 });
      await t.increasePartitions(topic, 2);
      await t.increasePartitions(topic, 5);
      expect((await t.describeTopic(topic))?.partitions).toBe(5);
      expect((await t.endOffsets(topic)).map((r) => r.partition)).toEqual([0, 1, 2, 3, 4]);
      await expect(t.increasePartitions(topic, 3)).rejects.toMatchObject({ code: 'PartitionDecrease' });
      // A fresh instance (no cached metadata) must hash keys over 5 partitions.
      const fresh = await open();
      const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(text);
      const positions = await fresh.produce(
        topic,
        keys.map((key) => ({ key, value: key })),
      );
      expect(positions.map((p) => p.partition)).toEqual(keys.map((key) => partitionForKey(key, 5)));
      await fresh.close();
    });

    it('tails from the beginning to the end, stops after N, and follows from latest', async () => {
      const topic = uniqueName('tail');
      await t.ensureTopic({ name: topic, partitions: 2, replicationFactor: 1 });
      await t.produce(
        topic,
        Array.from({ length: 9 }, (_, i) => ({ key: text(`k${i}`), value: text(`v${i}`) })),
      );
      const all: string[] = [];
      for await (const record of t.tail({ topic, from: 'beginning', stopAtEnd: true })) all.push(record.value?.toString() ?? '');
      expect(all.sort()).toEqual(Array.from({ length: 9 }, (_, i) => `v${i}`));

      const firstThree: ConsumedRecord[] = [];
      for await (const record of t.tail({ topic, from: 'beginning', maxRecords: 3 })) firstThree.push(record);
      expect(firstThree).toHaveLength(3);

      let started!: () => void;
      const positioned = new Promise<void>((resolve) => {
        started = resolve;
      });
      const follower = (async () => {
        const got: string[] = [];
        for await (const record of t.tail({ topic, from: 'latest', maxRecords: 2, onStarted: started }))
          got.push(record.value?.toString() ?? '');
        return got;
      })();
      // The tail pins the end offsets when it starts (one round trip on Kafka): produce once it says so (or once it
      // failed, which the expectation below reports).
      await Promise.race([positioned, follower]);
      await t.produce(topic, [
        { key: text('k1'), value: text('late-1') },
        { key: text('k1'), value: text('late-2') },
      ]);
      expect(await follower).toEqual(['late-1', 'late-2']);
      // A throwaway tail commits nothing anywhere a real group would see.
      expect(await t.committedOffsets('g-tail-none', topic)).toEqual([]);
    });
  });
}
