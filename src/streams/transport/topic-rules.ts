import { didYouMean, type ErrorCode, MeshError } from '../../core/errors.js';
import type { TopicConfigs, TopicSpec } from './stream-transport.js';

/** Kafka's topic-level config names (Kafka 3.x/4.x `TopicConfig`), so a typo fails the same way on both targets. */
export const KAFKA_TOPIC_CONFIG_NAMES: readonly string[] = [
  'cleanup.policy',
  'compression.type',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
];

/** Kafka's broker default for `retention.ms` (7 days); `retention.bytes` defaults to -1 (no limit). */
export const DEFAULT_RETENTION_MS = 604_800_000;

const LONG_CONFIGS = new Set(['retention.ms', 'retention.bytes', 'max.message.bytes', 'segment.bytes', 'segment.ms']);

function invalidTopic(code: ErrorCode, message: string, hint?: string): MeshError {
  return new MeshError(code, message, { hint });
}

export function topicNotFound(name: string, known: readonly string[]): MeshError {
  return new MeshError('TopicNotFound', `Topic "${name}" does not exist.`, {
    hint: didYouMean(name, known) ?? 'Create it first (mesh apply), or check the name with `mesh streams topics`.',
  });
}

/** Kafka's legal topic names: 1-249 chars of [a-zA-Z0-9._-], not "." or "..". */
export function assertTopicName(name: string): void {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name) || name === '.' || name === '..') {
    throw invalidTopic(
      'TopicNameInvalid',
      `"${name}" is not a valid topic name.`,
      'Use 1-249 characters from a-z, A-Z, 0-9, ".", "_" and "-", e.g. mesh.interactions.listen-events.v1.',
    );
  }
}

export function assertPartitionCount(name: string, partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000) {
    throw invalidTopic('TopicPartitionsInvalid', `Topic "${name}": partitions must be an integer from 1 to 10000.`);
  }
}

/** Checks names against Kafka's list and the numeric ones for a whole number (-1 allowed, meaning no limit). */
export function assertTopicConfigs(name: string, configs: Record<string, string | null>): void {
  for (const [key, value] of Object.entries(configs)) {
    if (!KAFKA_TOPIC_CONFIG_NAMES.includes(key)) {
      throw invalidTopic(
        'TopicConfigUnknown',
        `Topic "${name}": "${key}" is not a Kafka topic config.`,
        didYouMean(key, KAFKA_TOPIC_CONFIG_NAMES),
      );
    }
    if (value !== null && LONG_CONFIGS.has(key) && !/^-?\d+$/.test(value)) {
      throw invalidTopic('TopicConfigInvalid', `Topic "${name}": ${key} must be a whole number, got "${value}".`);
    }
  }
}

export function assertTopicSpec(spec: TopicSpec): void {
  assertTopicName(spec.name);
  assertPartitionCount(spec.name, spec.partitions);
  if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1) {
    throw invalidTopic('TopicReplicationInvalid', `Topic "${spec.name}": replicationFactor must be an integer ≥ 1.`);
  }
  assertTopicConfigs(spec.name, spec.configs ?? {});
}

/** Merges a config change: a null value removes the key. */
export function mergeConfigs(current: TopicConfigs, change: Record<string, string | null>): TopicConfigs {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export interface RetentionLimits {
  /** Records older than this many ms are deleted; undefined = keep forever. */
  readonly ms: number | undefined;
  /** A partition is trimmed from the oldest record down to this many bytes; undefined = no limit. */
  readonly bytes: number | undefined;
}

export function retentionLimits(configs: TopicConfigs): RetentionLimits {
  const ms = Number(configs['retention.ms'] ?? DEFAULT_RETENTION_MS);
  const bytes = Number(configs['retention.bytes'] ?? -1);
  return { ms: ms < 0 ? undefined : ms, bytes: bytes < 0 ? undefined : bytes };
}
