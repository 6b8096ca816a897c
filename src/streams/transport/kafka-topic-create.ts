/**
 * Idempotent topic creation over kafkajs admin, tolerant of the broker's metadata lag.
 *
 * CreateTopics is answered by the controller; the broker that answers the next Metadata request may not know the
 * topic yet (`UNKNOWN_TOPIC_OR_PARTITION`, "This server does not host this topic-partition") or its leaders
 * (`LEADER_NOT_AVAILABLE`). kafkajs's own leader wait (`waitForLeaders: true`) gives up on the first of those, and
 * a retried CreateTopics after a lost answer meets `TOPIC_ALREADY_EXISTS`. So: CreateTopics without kafkajs's wait;
 * "already exists", stale metadata and a request timeout all mean "verify"; then poll the metadata (every error
 * swallowed) until the topic is listed with every partition led, and check its partition count.
 */
import type { Admin } from 'kafkajs';
import { MeshError } from '../../core/errors.js';
import { staleMetadataType } from './kafka-errors.js';

export interface CreateTopicRequest {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicReadyOptions {
  /** How long to wait for the topic to show up with its leaders. Default 30 s. */
  readonly timeoutMs?: number;
  /** Between metadata polls. Default 100 ms. */
  readonly intervalMs?: number;
}

const RESUME_HINT = 'Re-run the same command to resume: it starts from the topics that exist.';

/** Kafka protocol errors after which the topic may exist: verify it instead of failing. */
const MAYBE_CREATED = new Set(['TOPIC_ALREADY_EXISTS', 'REQUEST_TIMED_OUT', 'NOT_CONTROLLER']);

function protocolTypes(error: unknown): string[] {
  const types: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 5) return;
    const e = value as { type?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.type === 'string') types.push(e.type);
    visit(e.cause, depth + 1);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return types;
}

/** True when a CreateTopics failure leaves the topic possibly created (so it is verified, not reported). */
export function mayHaveCreated(error: unknown): boolean {
  if (staleMetadataType(error) !== undefined) return true;
  const types = protocolTypes(error);
  if (types.length > 0) return types.every((type) => MAYBE_CREATED.has(type) || staleMetadataType({ type }) !== undefined);
  const name = (error as { name?: string })?.name ?? '';
  return name === 'KafkaJSRequestTimeoutError' || name === 'KafkaJSNumberOfRetriesExceeded';
}

/**
 * Creates the topic unless it exists, then returns once every partition has a leader. `created` is false when the
 * topic was there already (an earlier, interrupted run, or a concurrent one). Throws TopicPartitionsDiffer when an
 * existing topic has another partition count, KafkaTopicNotReady when the topic never shows up with its leaders.
 */
export async function createTopicIdempotent(
  admin: Admin,
  spec: CreateTopicRequest,
  options: TopicReadyOptions = {},
): Promise<{ readonly created: boolean }> {
  let created: boolean;
  try {
    created = await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } catch (error) {
    if (!mayHaveCreated(error)) throw error;
    created = false;
  }
  const partitions = await waitForTopicLeaders(admin, spec.name, spec.partitions, options);
  if (partitions !== spec.partitions) {
    throw new MeshError(
      'TopicPartitionsDiffer',
      `Topic "${spec.name}" already exists with ${partitions} partitions, not the ${spec.partitions} declared.`,
      { hint: `${RESUME_HINT} It then plans the topic as it is (more partitions as an update; fewer are refused).` },
    );
  }
  return { created };
}

/**
 * Polls the metadata until the topic is listed and all its partitions (at least `partitions` for a new topic) have
 * a leader; returns the partition count. Metadata errors while the topic settles are swallowed. The topic list is
 * read first, so a topic that does not exist yet is never named in a Metadata request (a broker with
 * auto.create.topics.enable would create it with the default partition count).
 */
export async function waitForTopicLeaders(
  admin: Admin,
  topic: string,
  partitions: number,
  options: TopicReadyOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let seen: { count: number; led: boolean } | undefined;
  for (;;) {
    const listed = await admin.listTopics().catch(() => [] as string[]);
    if (listed.includes(topic)) {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      const known = metadata?.topics.find((t) => t.name === topic)?.partitions ?? [];
      const led = known.length > 0 && known.every((p) => p.leader >= 0);
      if (led && known.length >= partitions) return known.length;
      // An existing topic with fewer partitions stays so: report it once it has been read the same way twice.
      if (led && seen?.led && seen.count === known.length) return known.length;
      seen = { count: known.length, led };
    }
    if (Date.now() > deadline) {
      throw new MeshError(
        'KafkaTopicNotReady',
        seen
          ? `Topic "${topic}" has no leader for all its partitions ${Math.round(timeoutMs / 1000)} s after it was created.`
          : `Topic "${topic}" is not in the cluster's metadata ${Math.round(timeoutMs / 1000)} s after it was created.`,
        { hint: `The cluster may be short of brokers or still electing leaders. ${RESUME_HINT}` },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
