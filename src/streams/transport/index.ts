/**
 * The stream transport layer: one port (StreamTransport), two backends.
 * - openEmbeddedLog(dir): the local target's durable log (SQLite file dir/streams.db).
 * - createKafkaTransport(opts): a Kafka broker or MSK (optionally with IAM auth); kafkajs loads on first use.
 */

export { EMBEDDED_LOG_FILE, openEmbeddedLog } from './embedded-log.js';
export { createKafkaTransport } from './kafka-transport.js';
export type { ConsumedRecord, PartitionBatch, ProduceRecord, StreamTransport } from './stream-transport.js';
