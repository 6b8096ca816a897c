import type { Admin } from 'kafkajs';
import { type ErrorCode, isMeshError, MeshError } from '../../core/errors.js';

/** The fields of kafkajs errors that matter here (kafkajs errors are plain Error subclasses with these extras). */
interface KafkaJsErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly type?: string;
  readonly cause?: unknown;
  readonly errors?: unknown[];
}

/** The innermost error with a Kafka protocol type, or the innermost error. */
function rootCause(error: unknown): KafkaJsErrorShape {
  let current = error as KafkaJsErrorShape;
  for (let depth = 0; depth < 10; depth++) {
    if (current.type) return current;
    const next = current.cause ?? current.errors?.[0];
    if (!next || typeof next !== 'object') return current;
    current = next as KafkaJsErrorShape;
  }
  return current;
}

const PROTOCOL_ERRORS: Record<string, { code: ErrorCode; hint: string }> = {
  TOPIC_AUTHORIZATION_FAILED: {
    code: 'AccessDenied',
    hint: 'The principal lacks kafka-cluster topic permissions (e.g. kafka-cluster:DescribeTopic, WriteData, ReadData).',
  },
  GROUP_AUTHORIZATION_FAILED: {
    code: 'AccessDenied',
    hint: 'The principal lacks kafka-cluster:DescribeGroup / AlterGroup on this consumer group.',
  },
  CLUSTER_AUTHORIZATION_FAILED: {
    code: 'AccessDenied',
    hint: 'The principal lacks kafka-cluster:Connect or cluster-level permissions (e.g. CreateTopic, AlterCluster).',
  },
  SASL_AUTHENTICATION_FAILED: {
    code: 'KafkaAuthFailed',
    hint: 'Check the credentials and region used to sign the MSK IAM token, and that the cluster has IAM auth enabled.',
  },
  UNKNOWN_TOPIC_OR_PARTITION: {
    code: 'TopicNotFound',
    hint:
      'A topic just created can take a moment to reach every broker: re-run the same command to resume. ' +
      'If it was never created, publish its product first (mesh publish-product).',
  },
  INVALID_PARTITIONS: { code: 'TopicPartitionsInvalid', hint: 'Use a partition count ≥ 1.' },
  INVALID_REPLICATION_FACTOR: {
    code: 'TopicReplicationInvalid',
    hint: 'The replication factor cannot exceed the number of brokers.',
  },
  INVALID_CONFIG: { code: 'TopicConfigInvalid', hint: 'Check the topic configs against the broker.' },
  POLICY_VIOLATION: { code: 'TopicPolicyViolation', hint: 'The cluster rejected the topic settings by policy.' },
  NON_EMPTY_GROUP: {
    code: 'GroupActive',
    hint: 'Stop the consumers of this group first; offsets of a group with members can only be committed by a member.',
  },
  REBALANCE_IN_PROGRESS: { code: 'GroupRebalancing', hint: 'The group is rebalancing; fetch again and retry the commit.' },
  ILLEGAL_GENERATION: { code: 'GroupRebalancing', hint: 'The group rebalanced; fetch again and retry the commit.' },
  UNKNOWN_MEMBER_ID: { code: 'GroupRebalancing', hint: 'This member left the group; fetch again and retry the commit.' },
};

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

/** Maps a kafkajs error to a MeshError a user can act on. MeshErrors pass through. */
export function toMeshError(error: unknown, what: string, brokers: readonly string[]): MeshError {
  if (isMeshError(error)) return error;
  if (!(error instanceof Error)) return new MeshError('KafkaError', `Kafka failed to ${what}: ${String(error)}`);
  const root = rootCause(error);
  const known = root.type ? PROTOCOL_ERRORS[root.type] : undefined;
  if (known) {
    return new MeshError(known.code, `Kafka refused to ${what}: ${root.message ?? root.type}`, {
      hint: known.hint,
      cause: error,
      details: { kafkaError: root.type },
    });
  }
  if (CONNECTION_ERRORS.has(root.name ?? '') || CONNECTION_ERRORS.has(error.name)) {
    return new MeshError('KafkaUnreachable', `Cannot reach Kafka at ${brokers.join(',')} to ${what}: ${root.message}`, {
      hint: 'Check the bootstrap brokers and the network path (for MSK: the VPC, security groups, port 9098 for IAM).',
      cause: error,
    });
  }
  if (root.name === 'KafkaJSSASLAuthenticationError') {
    return new MeshError('KafkaAuthFailed', `Kafka authentication failed: ${root.message}`, {
      hint: PROTOCOL_ERRORS.SASL_AUTHENTICATION_FAILED?.hint,
      cause: error,
    });
  }
  return new MeshError('KafkaError', `Kafka failed to ${what}: ${root.message ?? error.message}`, {
    cause: error,
    ...(root.type ? { details: { kafkaError: root.type } } : {}),
  });
}

/** Errors a broker returns while a new topic or partition is still being set up (leaders not known yet). */
const STALE_METADATA = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
]);

/** The stale-metadata condition of a broker error (a new topic or partition not known everywhere yet), if it is one. */
export function staleMetadataType(error: unknown): string | undefined {
  let current = error as { type?: string; cause?: unknown; message?: string } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.type && STALE_METADATA.has(current.type)) return current.type;
    // kafkajs admin.fetchTopicOffsets on a topic whose metadata has no partitions yet (just created) fails with a
    // TypeError from `low.pop()` instead of a broker error: the same condition, so it is retried the same way.
    if (current instanceof TypeError && /partitions/.test(current.message ?? '')) return 'METADATA_NOT_READY';
    current = current.cause as typeof current;
  }
  return undefined;
}

/** Runs fn again (after refreshing the topic's metadata) while the broker still reports stale leadership, up to ~10 s. */
export async function retryStaleMetadata<T>(admin: Admin, topic: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 12 || staleMetadataType(error) === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_500)));
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    }
  }
}

/** Waits until every partition of the topic has a leader in the metadata (new topics and added partitions). */
export async function waitForLeaders(admin: Admin, topic: string, partitions: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const known = metadata?.topics[0]?.partitions ?? [];
    if (known.length >= partitions && known.every((p) => p.leader >= 0)) return;
    if (Date.now() > deadline) {
      throw new MeshError('KafkaTopicNotReady', `Topic "${topic}" has no leader for all ${partitions} partitions after 15 s.`, {
        hint: 'The cluster may be short of brokers or still electing leaders. Re-run the same command to resume.',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
