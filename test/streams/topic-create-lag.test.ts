// Topic creation against a broker whose metadata lags behind CreateTopics (a scripted kafkajs Admin): the failures
// the real broker gives at concurrency ("This server does not host this topic-partition", "already exists", a
// request timeout) end in success once the topic is there with its partitions; a topic that exists with another
// partition count, or never appears, fails with a hint to re-run the same command.
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toMeshError } from '../../src/streams/transport/kafka-errors.js';
import { createTopicIdempotent } from '../../src/streams/transport/kafka-topic-create.js';

class ProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'KafkaJSProtocolError';
  }
}

interface Script {
  /** What CreateTopics does: create and answer true, or create (or not) and throw. */
  readonly create: { readonly creates: boolean; readonly error?: Error; readonly existing?: number };
  /** Metadata polls that do not list the topic yet after it was created. */
  readonly lagPolls?: number;
  /** Polls during which the listed topic has no leader. */
  readonly leaderlessPolls?: number;
  readonly partitions: number;
}

/** A kafkajs Admin whose cluster creates `topic` and then lags as scripted; records the requests it got. */
function laggingAdmin(script: Script) {
  let exists = script.create.existing !== undefined;
  let count = script.create.existing ?? 0;
  let lag = script.lagPolls ?? 0;
  let leaderless = script.leaderlessPolls ?? 0;
  const metadataRequests: string[][] = [];
  const admin = {
    async createTopics({ topics }: { topics: { topic: string; numPartitions: number }[] }) {
      if (exists) throw Object.assign(new Error('aggregate'), { errors: [new ProtocolError('TOPIC_ALREADY_EXISTS', 'exists')] });
      if (script.create.creates) {
        exists = true;
        count = topics[0]?.numPartitions ?? 0;
      }
      if (script.create.error) throw script.create.error;
      return true;
    },
    async listTopics() {
      if (!exists) return ['other'];
      if (lag > 0) {
        lag -= 1;
        return ['other'];
      }
      return ['other', 'songs'];
    },
    async fetchTopicMetadata({ topics }: { topics: string[] }) {
      metadataRequests.push(topics);
      if (!exists) throw new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
      const leader = leaderless-- > 0 ? -1 : 0;
      return { topics: [{ name: 'songs', partitions: Array.from({ length: count }, (_, i) => ({ partitionId: i, leader })) }] };
    },
  };
  return { admin: admin as unknown as Admin, metadataRequests };
}

const spec = { name: 'songs', partitions: 3, replicationFactor: 1 };
const fast = { timeoutMs: 2_000, intervalMs: 1 };

describe('topic creation with a lagging broker', () => {
  it('is a success when the broker answers "does not host this topic-partition" but the topic appears', async () => {
    const error = new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
    const { admin, metadataRequests } = laggingAdmin({ create: { creates: true, error }, lagPolls: 5, leaderlessPolls: 2, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, fast)).resolves.toEqual({ created: false });
    // the topic was only named in Metadata requests once listed (no auto-creation by metadata)
    expect(metadataRequests.length).toBeGreaterThanOrEqual(3);
  });

  it('waits for the leaders of a topic it created', async () => {
    const { admin, metadataRequests } = laggingAdmin({ create: { creates: true }, lagPolls: 3, leaderlessPolls: 4, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, fast)).resolves.toEqual({ created: true });
    expect(metadataRequests).toHaveLength(5);
  });

  it('is idempotent: an existing topic with the declared partitions is a success', async () => {
    const { admin } = laggingAdmin({ create: { creates: false, existing: 3 }, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, fast)).resolves.toEqual({ created: false });
  });

  it('verifies after a request timeout', async () => {
    const error = new ProtocolError('REQUEST_TIMED_OUT', 'The request timed out');
    const { admin } = laggingAdmin({ create: { creates: true, error }, lagPolls: 2, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, fast)).resolves.toEqual({ created: false });
  });

  it('refuses an existing topic with another partition count, saying to re-run', async () => {
    const { admin } = laggingAdmin({ create: { creates: false, existing: 1 }, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, fast)).rejects.toMatchObject({
      code: 'TopicPartitionsDiffer',
      message: 'Topic "songs" already exists with 1 partitions, not the 3 declared.',
      hint: expect.stringContaining('Re-run the same command to resume'),
    });
  });

  it('fails with a re-run hint when the topic never shows up', async () => {
    const error = new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
    const { admin } = laggingAdmin({ create: { creates: false, error }, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, { timeoutMs: 50, intervalMs: 1 })).rejects.toMatchObject({
      code: 'KafkaTopicNotReady',
      hint: expect.stringContaining('Re-run the same command to resume'),
    });
  });

  it('passes on errors that say nothing was created', async () => {
    const error = new ProtocolError('INVALID_REPLICATION_FACTOR', 'Replication-factor is invalid');
    const { admin } = laggingAdmin({ create: { creates: false, error }, partitions: 3 });
    await expect(createTopicIdempotent(admin, spec, fast)).rejects.toBe(error);
  });

  it('maps a stale-metadata refusal to TopicNotFound whose hint is to re-run the same command', () => {
    const mapped = toMeshError(
      new ProtocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition'),
      'produce',
      [],
    );
    expect(mapped.code).toBe('TopicNotFound');
    expect(mapped.hint).toMatch(/^A topic just created can take a moment to reach every broker: re-run the same command to resume\./);
    expect(mapped.hint).not.toMatch(/mesh apply/);
  });
});
