/**
 * The stream transport layer: one port (StreamTransport), two backends.
 * - openEmbeddedLog(dir): the local target's durable log (SQLite file dir/streams.db).
 * - createKafkaTransport(opts): a Kafka broker or MSK (optionally with IAM auth); kafkajs loads on first use.
 */

export { EMBEDDED_LOG_FILE, EmbeddedLog, type EmbeddedLogOptions, openEmbeddedLog } from './embedded-log.js';
export { createKafkaTransport, KafkaTransport, type KafkaTransportOptions } from './kafka-transport.js';
export {
  type AwsCredentialIdentityProvider,
  type MskIamAuthOptions,
  mskIamConnection,
  mskIamTokenProvider,
} from './msk-iam-auth.js';
export { murmur2, partitionForKey } from './partitioner.js';
export type {
  ConsumedRecord,
  FetchRequest,
  PartitionBatch,
  PartitionOffset,
  PartitionRange,
  ProduceRecord,
  RecordPosition,
  StreamTransport,
  TailOptions,
  TopicConfigs,
  TopicDescription,
  TopicSpec,
} from './stream-transport.js';
export { DEFAULT_RETENTION_MS, KAFKA_TOPIC_CONFIG_NAMES } from './topic-rules.js';
