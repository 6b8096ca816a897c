/**
 * The event Lambda delivers from an MSK event source mapping, built from fetched batches, and the partial batch
 * response it reads back (pure).
 *
 * Event: `{ eventSource: 'aws:kafka', eventSourceArn, bootstrapServers, records: { '<topic>-<partition>': [ { topic,
 * partition, offset, timestamp, timestampType: 'CREATE_TIME', key?: base64, value: base64, headers: [ { name:
 * [bytes…] } ] } ] } }` (key left out when the record has none).
 *
 * Response with ReportBatchItemFailures: `{ batchItemFailures: [ { itemIdentifier: { partition: '<topic>-<n>',
 * offset } } ] }`. Each reported partition resumes from the lowest reported offset; an identifier that is not in the
 * event fails the whole batch; an empty or missing list is success.
 */
import type { ConsumedRecord, PartitionBatch } from '../transport/index.js';

export interface MskRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: 'CREATE_TIME';
  readonly key?: string;
  readonly value?: string;
  readonly headers: readonly Record<string, number[]>[];
}

export interface MskEvent {
  readonly eventSource: 'aws:kafka';
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
  readonly records: Record<string, MskRecord[]>;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export function toMskRecord(record: ConsumedRecord): MskRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: 'CREATE_TIME',
    ...(record.key !== null ? { key: record.key.toString('base64') } : {}),
    ...(record.value !== null ? { value: record.value.toString('base64') } : {}),
    headers: Object.entries(record.headers).map(([name, value]) => ({ [name]: [...value] })),
  };
}

export function toMskEvent(batches: readonly PartitionBatch[], source: { eventSourceArn: string; bootstrapServers: string }): MskEvent {
  const records: Record<string, MskRecord[]> = {};
  for (const batch of batches) records[partitionKey(batch.topic, batch.partition)] = batch.records.map(toMskRecord);
  return { eventSource: 'aws:kafka', eventSourceArn: source.eventSourceArn, bootstrapServers: source.bootstrapServers, records };
}

/**
 * Caps a fetch at `limit` records in total (Lambda's BatchSize), keeping whole prefixes of partitions so offsets
 * stay contiguous. Partitions left out are fetched again next time (nothing was committed for them).
 */
export function capBatches(batches: readonly PartitionBatch[], limit: number): PartitionBatch[] {
  const out: PartitionBatch[] = [];
  let left = limit;
  for (const batch of batches) {
    if (left <= 0) break;
    const records = batch.records.slice(0, left);
    const last = records.at(-1);
    if (!last) continue;
    out.push({ ...batch, records, nextOffset: last.offset + 1 });
    left -= records.length;
  }
  return out;
}

export type BatchOutcome =
  | { readonly kind: 'success' }
  /**
   * Per partition key, the offset to resume from (records before it are done), and the offsets the handler
   * reported as failed (what goes to the dead-letter topic once retries are exhausted).
   */
  | { readonly kind: 'partial'; readonly resumeAt: ReadonlyMap<string, number>; readonly failed: ReadonlyMap<string, ReadonlySet<number>> }
  | { readonly kind: 'invalid'; readonly reason: string };

export function readBatchResponse(response: unknown, event: MskEvent): BatchOutcome {
  if (response === null || response === undefined || typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const resumeAt = new Map<string, number>();
  const failed = new Map<string, Set<number>>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier as
      | { partition?: unknown; 'topic-partition'?: unknown; offset?: unknown }
      | undefined;
    // Both spellings seen for Kafka partial batch responses: `partition` and `topic-partition` ("<topic>-<n>").
    const partition = id?.partition ?? id?.['topic-partition'];
    const offset = typeof id?.offset === 'string' ? Number(id.offset) : id?.offset;
    if (typeof partition !== 'string' || typeof offset !== 'number' || !Number.isInteger(offset)) {
      return { kind: 'invalid', reason: `itemIdentifier ${JSON.stringify(id)} is not { partition: "<topic>-<n>", offset: <n> }` };
    }
    const records = event.records[partition];
    if (!records?.some((r) => r.offset === offset)) {
      return { kind: 'invalid', reason: `itemIdentifier ${partition}@${offset} is not a record of this batch` };
    }
    resumeAt.set(partition, Math.min(resumeAt.get(partition) ?? offset, offset));
    failed.set(partition, (failed.get(partition) ?? new Set<number>()).add(offset));
  }
  return { kind: 'partial', resumeAt, failed };
}
