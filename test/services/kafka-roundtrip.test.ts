// The local Kafka broker behaves like a real one for kafkajs 2.2.4: admin, keyed produce,
// group consume with commits, restart from the committed offsets, per-key order.
import type { Admin, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueTopic } from '../support/kafka.js';

const PARTITIONS = 6;
const KEYS = 100;
const TOTAL = 10_000;

interface Received {
  partition: number;
  offset: number;
  key: string;
  seq: number;
}

const kafka = testKafka('kafka-roundtrip');
const topic = uniqueTopic('roundtrip');
const groupId = uniqueTopic('roundtrip-group');
let admin: Admin;
let producer: Producer;
const consumers: Consumer[] = [];

function decode(partition: number, message: EachBatchPayload['batch']['messages'][number]): Received {
  const key = message.key?.toString() ?? '';
  const seq = Number(message.value?.toString().split(':')[1]);
  return { partition, offset: Number(message.offset), key, seq };
}

/** Runs a consumer in `groupId` until `stopWhen` says so; commits each processed batch by hand. */
async function consumeUntil(stopWhen: (received: Received[]) => boolean): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Received[] = [];
  let done = false;
  const finished = new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (done || batch.messages.length === 0) return;
          for (const message of batch.messages) received.push(decode(batch.partition, message));
          const last = batch.messages[batch.messages.length - 1];
          if (last) {
            const next = String(Number(last.offset) + 1);
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: next }]);
          }
          if (stopWhen(received)) {
            done = true;
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await finished;
  await consumer.disconnect();
  return received;
}

async function committedOffsets(): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
});

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => undefined);
  await producer?.disconnect();
  await admin?.disconnect();
});

describe('local Kafka broker with kafkajs', () => {
  it('creates and describes a topic with 6 partitions', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true })).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.name).toBe(topic);
    expect(metadata.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await admin.listTopics()).toContain(topic);
  });

  it('takes 10,000 keyed messages', async () => {
    const nextSeq = new Array<number>(KEYS).fill(0);
    for (let batch = 0; batch < 10; batch++) {
      const messages = Array.from({ length: TOTAL / 10 }, (_, i) => {
        const k = (batch * 1000 + i) % KEYS;
        const seq = nextSeq[k] ?? 0;
        nextSeq[k] = seq + 1;
        return { key: `key-${k}`, value: `key-${k}:${seq}` };
      });
      await producer.send({ topic, messages, acks: -1 });
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(PARTITIONS);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(TOTAL);
  });

  it('consumes in a group with commits, and a restarted consumer resumes at the committed offsets', async () => {
    // First consumer: stop after about half, committing exactly what it processed.
    const first = await consumeUntil((r) => r.length >= TOTAL / 2);
    const committed = await committedOffsets();
    const committedTotal = [...committed.values()].reduce((sum, o) => sum + Math.max(o, 0), 0);
    expect(committedTotal).toBe(first.length);
    expect(first.length).toBeLessThan(TOTAL);

    // Second consumer, same group: gets only what is past the commits, nothing before.
    const second = await consumeUntil((r) => r.length >= TOTAL - first.length);
    expect(second).toHaveLength(TOTAL - first.length);
    for (const message of second) {
      expect(message.offset).toBeGreaterThanOrEqual(Math.max(committed.get(message.partition) ?? 0, 0));
    }

    // Together: every message exactly once, and each key's messages in the order produced.
    const all = [...first, ...second];
    expect(new Set(all.map((m) => `${m.partition}/${m.offset}`)).size).toBe(TOTAL);
    const perKey = new Map<string, number[]>();
    for (const m of all) perKey.set(m.key, [...(perKey.get(m.key) ?? []), m.seq]);
    expect(perKey.size).toBe(KEYS);
    for (const seqs of perKey.values()) expect(seqs).toEqual(seqs.map((_, i) => i));

    // The group's commits now sit at the end of every partition.
    const end = await committedOffsets();
    for (const p of await admin.fetchTopicOffsets(topic)) expect(end.get(p.partition)).toBe(Number(p.high));
  });

  it('deletes the topic', async () => {
    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
