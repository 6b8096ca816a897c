// The Kafka group reader sends the commits a poller makes in one turn (every partition of a batch) as one
// OffsetCommit request, not one round trip per partition. Checked against a stand-in for the kafkajs consumer that
// records what it is asked to commit (the broker's side of commits is covered by kafka-contract.test.ts).
import type { Admin, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaGroupReader } from '../../src/streams/transport/kafka-group-reader.js';

type Commit = { topic: string; partition: number; offset: string };

function fakeKafka() {
  const requests: Commit[][] = [];
  let failure: Error | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    disconnect: async () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    seek: () => undefined,
    commitOffsets: async (offsets: Commit[]) => {
      requests.push(offsets);
      if (failure) throw failure;
    },
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    requests,
    failWith: (error: Error) => {
      failure = error;
    },
  };
}

const start = (kafka: Kafka) => KafkaGroupReader.start({ kafka, admin: {} as Admin, groupId: 'g', topic: 't', fromBeginning: true });

describe('Kafka group reader commits', () => {
  it('sends the commits of one turn as one request', async () => {
    const fake = fakeKafka();
    const reader = await start(fake.kafka);
    await Promise.all([reader.commit(0, 5), reader.commit(1, 7), reader.commit(2, 3)]);
    expect(fake.requests).toEqual([
      [
        { topic: 't', partition: 0, offset: '5' },
        { topic: 't', partition: 1, offset: '7' },
        { topic: 't', partition: 2, offset: '3' },
      ],
    ]);
  });

  it('sends commits made one after another as separate requests; the later of two on a partition stands', async () => {
    const fake = fakeKafka();
    const reader = await start(fake.kafka);
    await reader.commit(0, 5);
    await Promise.all([reader.commit(1, 9), reader.commit(1, 4)]);
    expect(fake.requests).toEqual([[{ topic: 't', partition: 0, offset: '5' }], [{ topic: 't', partition: 1, offset: '4' }]]);
  });

  it('fails every commit of the request when the broker refuses it', async () => {
    const fake = fakeKafka();
    const reader = await start(fake.kafka);
    fake.failWith(new Error('The coordinator is not aware of this member'));
    const results = await Promise.allSettled([reader.commit(0, 1), reader.commit(1, 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(fake.requests).toHaveLength(1);
  });
});
