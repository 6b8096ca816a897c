import { MeshError } from '../../core/errors.js';
import { encodeHeaders, headersSize, type LogStatements, type TopicRow } from './embedded-log-store.js';
import type { ProduceRecord, RecordPosition } from './stream-transport.js';

/** Bytes a batch adds to the log (key, value, headers), an estimate of the space an append needs. */
export function batchBytes(records: readonly ProduceRecord[]): number {
  let total = 0;
  for (const record of records) total += (record.key?.length ?? 0) + record.value.length + (record.id?.length ?? 0) * 2 + 64;
  return total;
}

/**
 * Appends records to one topic. Call inside the write transaction: offsets are allocated densely per partition,
 * and a record whose id is already in the idempotency index (or earlier in this batch) is skipped, reported at the
 * stored position with `duplicate: true`. The check and the append commit together or not at all.
 */
export function appendRecords(
  sql: LogStatements,
  topic: TopicRow,
  records: readonly ProduceRecord[],
  pick: (record: ProduceRecord) => number,
  now: number,
): RecordPosition[] {
  const next = new Map<number, { offset: number; bytes: number }>();
  const result: RecordPosition[] = [];
  for (const record of records) {
    if (record.id !== undefined) {
      const stored = sql.eventPosition(topic.id, record.id);
      if (stored) {
        result.push({ partition: stored.part, offset: stored.rec_offset, duplicate: true });
        continue;
      }
    }
    const part = pick(record);
    if (!Number.isInteger(part) || part < 0 || part >= topic.partitions) {
      throw new MeshError('PartitionNotFound', `Topic "${topic.name}" has no partition ${part}.`);
    }
    let cursor = next.get(part);
    if (!cursor) {
      cursor = { offset: sql.partition(topic.id, part)?.next_offset ?? 0, bytes: 0 };
      next.set(part, cursor);
    }
    const headers = encodeHeaders(record.headers);
    const size = (record.key?.length ?? 0) + record.value.length + headersSize(headers);
    sql.insertRecord(topic.id, part, cursor.offset, record.timestamp ?? now, record.key, record.value, headers, size);
    if (record.id !== undefined) sql.indexEvent(topic.id, record.id, part, cursor.offset);
    result.push({ partition: part, offset: cursor.offset });
    cursor.offset += 1;
    cursor.bytes += size;
  }
  for (const [part, cursor] of next) {
    sql.advancePartition(topic.id, part, cursor.offset, cursor.bytes);
    sql.enforceRetention(topic, part, now);
  }
  return result;
}
