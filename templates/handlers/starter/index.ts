/**
 * Starter stream handler: a Lambda function for Amazon MSK (or self-managed Kafka) event source mappings.
 * mesh runs the same code locally (`mesh dev`) with the same event shape.
 *
 * - Records arrive grouped by "<topic>-<partition>", with base64 key and value.
 * - At-least-once delivery: a record can come twice, so work is skipped when its topic-partition-offset was seen.
 *   (The set lives as long as the function instance; use a DynamoDB conditional write for durable idempotency.)
 * - A record that throws is reported in batchItemFailures; the event source retries from there, and after the
 *   subscription's maximumRetryAttempts the record goes to its dead-letter topic.
 */

export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType?: string;
  key?: string | null;
  value?: string | null;
  headers?: Record<string, number[]>[];
}

export interface KafkaEvent {
  eventSource?: string;
  eventSourceArn?: string;
  bootstrapServers?: string;
  records: Record<string, KafkaRecord[]>;
}

/** The partial-batch response for Kafka event sources: which record of which "<topic>-<partition>" failed. */
export interface BatchItemFailure {
  itemIdentifier: { 'topic-partition': string; offset: number };
}

export interface HandlerResult {
  batchItemFailures: BatchItemFailure[];
}

/** A decoded record: the key as text, the value as JSON when it is JSON, else the raw bytes. */
export interface DecodedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  raw: Buffer | null;
}

const seen = new Set<string>();
const SEEN_LIMIT = 100_000;

function decode(record: KafkaRecord): DecodedRecord {
  const raw = record.value ? Buffer.from(record.value, 'base64') : null;
  let value: unknown = raw;
  if (raw) {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      // Avro-encoded (the default stream encoding): decode it with the product's event schema, e.g. with
      // @aws-lambda-powertools/kafka or avsc. The raw bytes are passed on.
    }
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key ? Buffer.from(record.key, 'base64').toString('utf8') : null,
    value,
    raw,
  };
}

/** Your logic, once per record. Throw to have the record retried. */
export async function processRecord(record: DecodedRecord): Promise<void> {
  console.log(JSON.stringify({ topic: record.topic, partition: record.partition, offset: record.offset, key: record.key }));
}

export async function handler(event: KafkaEvent): Promise<HandlerResult> {
  const batchItemFailures: BatchItemFailure[] = [];
  for (const [partitionKey, records] of Object.entries(event.records ?? {})) {
    const ordered = [...records].sort((a, b) => a.offset - b.offset);
    for (const record of ordered) {
      const id = `${record.topic}-${record.partition}-${record.offset}`;
      if (seen.has(id)) continue;
      try {
        await processRecord(decode(record));
        seen.add(id);
        if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
      } catch (error) {
        console.error(`record ${id} failed: ${(error as Error).message}`);
        // Later records of this partition are retried too, to keep their order.
        batchItemFailures.push({ itemIdentifier: { 'topic-partition': partitionKey, offset: record.offset } });
        break;
      }
    }
  }
  return { batchItemFailures };
}
