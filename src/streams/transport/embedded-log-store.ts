import type BetterSqlite3 from 'better-sqlite3';
import { MeshError } from '../../core/errors.js';
import type { ConsumedRecord, TopicConfigs } from './stream-transport.js';
import { retentionLimits } from './topic-rules.js';

/**
 * The SQLite layout of the embedded log and its low-level statements. One database file holds every topic.
 * Column names avoid SQL keywords (`offset`, `partition`): rec_offset, part.
 */
export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS topics (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  partitions INTEGER NOT NULL,
  replication_factor INTEGER NOT NULL,
  configs TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS partitions (
  topic_id INTEGER NOT NULL,
  part INTEGER NOT NULL,
  log_start INTEGER NOT NULL DEFAULT 0,
  next_offset INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (topic_id, part)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
  topic_id INTEGER NOT NULL,
  part INTEGER NOT NULL,
  rec_offset INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  key BLOB,
  value BLOB NOT NULL,
  headers TEXT,
  size INTEGER NOT NULL,
  PRIMARY KEY (topic_id, part, rec_offset)
);
CREATE TABLE IF NOT EXISTS group_offsets (
  group_id TEXT NOT NULL,
  topic_id INTEGER NOT NULL,
  part INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  committed_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, topic_id, part)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_ids (
  topic_id INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  rec_offset INTEGER NOT NULL,
  PRIMARY KEY (topic_id, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_ids_by_offset ON event_ids (topic_id, part, rec_offset);
`;

export interface TopicRow {
  readonly id: number;
  readonly name: string;
  readonly partitions: number;
  readonly replication_factor: number;
  readonly configs: string;
}

export interface PartitionRow {
  readonly part: number;
  readonly log_start: number;
  readonly next_offset: number;
  readonly size_bytes: number;
}

interface RecordRow {
  readonly part: number;
  readonly rec_offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: string | null;
}

export function encodeHeaders(headers: Record<string, Buffer> | undefined): string | null {
  if (!headers || Object.keys(headers).length === 0) return null;
  const encoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) encoded[name] = value.toString('base64');
  return JSON.stringify(encoded);
}

function decodeHeaders(text: string | null): Record<string, Buffer> {
  if (text === null) return {};
  const decoded: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(JSON.parse(text) as Record<string, string>)) {
    decoded[name] = Buffer.from(value, 'base64');
  }
  return decoded;
}

export function headersSize(encoded: string | null): number {
  return encoded === null ? 0 : Buffer.byteLength(encoded);
}

/** Prepared statements over one connection. All methods are synchronous; callers own the transactions. */
export class LogStatements {
  private readonly s;

  constructor(db: BetterSqlite3.Database) {
    this.s = {
      topicByName: db.prepare<[string], TopicRow>('SELECT * FROM topics WHERE name = ?'),
      topicNames: db.prepare<[], { name: string }>('SELECT name FROM topics ORDER BY name'),
      insertTopic: db.prepare<[string, number, number, string, number]>(
        'INSERT INTO topics (name, partitions, replication_factor, configs, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      setPartitionCount: db.prepare<[number, number]>('UPDATE topics SET partitions = ? WHERE id = ?'),
      setConfigs: db.prepare<[string, number]>('UPDATE topics SET configs = ? WHERE id = ?'),
      insertPartition: db.prepare<[number, number]>('INSERT OR IGNORE INTO partitions (topic_id, part) VALUES (?, ?)'),
      partitions: db.prepare<[number], PartitionRow>(
        'SELECT part, log_start, next_offset, size_bytes FROM partitions WHERE topic_id = ? ORDER BY part',
      ),
      partition: db.prepare<[number, number], PartitionRow>(
        'SELECT part, log_start, next_offset, size_bytes FROM partitions WHERE topic_id = ? AND part = ?',
      ),
      advancePartition: db.prepare<[number, number, number, number]>(
        'UPDATE partitions SET next_offset = ?, size_bytes = size_bytes + ? WHERE topic_id = ? AND part = ?',
      ),
      insertRecord: db.prepare<[number, number, number, number, Buffer | null, Buffer, string | null, number]>(
        'INSERT INTO records (topic_id, part, rec_offset, timestamp, key, value, headers, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      readRecords: db.prepare<[number, number, number, number], RecordRow>(
        'SELECT part, rec_offset, timestamp, key, value, headers FROM records ' +
          'WHERE topic_id = ? AND part = ? AND rec_offset >= ? ORDER BY rec_offset LIMIT ?',
      ),
      firstFreshOffset: db.prepare<[number, number, number, number], { rec_offset: number }>(
        'SELECT rec_offset FROM records WHERE topic_id = ? AND part = ? AND rec_offset >= ? AND timestamp >= ? ' +
          'ORDER BY rec_offset LIMIT 1',
      ),
      oldestTimestamp: db.prepare<[number, number, number], { timestamp: number }>(
        'SELECT timestamp FROM records WHERE topic_id = ? AND part = ? AND rec_offset >= ? ORDER BY rec_offset LIMIT 1',
      ),
      sizesFrom: db.prepare<[number, number, number], { rec_offset: number; size: number }>(
        'SELECT rec_offset, size FROM records WHERE topic_id = ? AND part = ? AND rec_offset >= ? ORDER BY rec_offset',
      ),
      sizeBefore: db.prepare<[number, number, number], { total: number }>(
        'SELECT COALESCE(SUM(size), 0) AS total FROM records WHERE topic_id = ? AND part = ? AND rec_offset < ?',
      ),
      deleteBefore: db.prepare<[number, number, number]>('DELETE FROM records WHERE topic_id = ? AND part = ? AND rec_offset < ?'),
      moveLogStart: db.prepare<[number, number, number, number]>(
        'UPDATE partitions SET log_start = ?, size_bytes = size_bytes - ? WHERE topic_id = ? AND part = ?',
      ),
      committed: db.prepare<[string, number], { part: number; next_offset: number }>(
        'SELECT part, next_offset FROM group_offsets WHERE group_id = ? AND topic_id = ? ORDER BY part',
      ),
      commit: db.prepare<[string, number, number, number, number]>(
        'INSERT INTO group_offsets (group_id, topic_id, part, next_offset, committed_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (group_id, topic_id, part) DO UPDATE SET next_offset = excluded.next_offset, ' +
          'committed_at = excluded.committed_at',
      ),
      eventPosition: db.prepare<[number, string], { part: number; rec_offset: number }>(
        'SELECT part, rec_offset FROM event_ids WHERE topic_id = ? AND event_id = ?',
      ),
      insertEventId: db.prepare<[number, string, number, number]>(
        'INSERT INTO event_ids (topic_id, event_id, part, rec_offset) VALUES (?, ?, ?, ?)',
      ),
      deleteEventIdsBefore: db.prepare<[number, number, number]>(
        'DELETE FROM event_ids WHERE topic_id = ? AND part = ? AND rec_offset < ?',
      ),
      deleteTopicEventIds: db.prepare<[number]>('DELETE FROM event_ids WHERE topic_id = ?'),
      deleteTopicRecords: db.prepare<[number]>('DELETE FROM records WHERE topic_id = ?'),
      deleteTopicPartitions: db.prepare<[number]>('DELETE FROM partitions WHERE topic_id = ?'),
      deleteTopicOffsets: db.prepare<[number]>('DELETE FROM group_offsets WHERE topic_id = ?'),
      deleteTopic: db.prepare<[number]>('DELETE FROM topics WHERE id = ?'),
    };
  }

  topic(name: string): TopicRow | undefined {
    return this.s.topicByName.get(name);
  }

  topicNames(): string[] {
    return this.s.topicNames.all().map((row) => row.name);
  }

  createTopic(name: string, partitions: number, replicationFactor: number, configs: TopicConfigs): void {
    const info = this.s.insertTopic.run(name, partitions, replicationFactor, JSON.stringify(configs), Date.now());
    this.addPartitions(Number(info.lastInsertRowid), 0, partitions);
  }

  addPartitions(topicId: number, from: number, to: number): void {
    for (let part = from; part < to; part++) this.s.insertPartition.run(topicId, part);
    this.s.setPartitionCount.run(to, topicId);
  }

  setConfigs(topicId: number, configs: TopicConfigs): void {
    this.s.setConfigs.run(JSON.stringify(configs), topicId);
  }

  partitions(topicId: number): PartitionRow[] {
    return this.s.partitions.all(topicId);
  }

  partition(topicId: number, part: number): PartitionRow | undefined {
    return this.s.partition.get(topicId, part);
  }

  insertRecord(
    topicId: number,
    part: number,
    offset: number,
    timestamp: number,
    key: Buffer | null,
    value: Buffer,
    headers: string | null,
    size: number,
  ): void {
    this.s.insertRecord.run(topicId, part, offset, timestamp, key, value, headers, size);
  }

  advancePartition(topicId: number, part: number, nextOffset: number, addedBytes: number): void {
    this.s.advancePartition.run(nextOffset, addedBytes, topicId, part);
  }

  read(topic: string, topicId: number, part: number, fromOffset: number, limit: number): ConsumedRecord[] {
    return this.s.readRecords.all(topicId, part, fromOffset, limit).map((row) => ({
      topic,
      partition: row.part,
      offset: row.rec_offset,
      timestamp: row.timestamp,
      key: row.key,
      value: row.value ?? Buffer.alloc(0),
      headers: decodeHeaders(row.headers),
    }));
  }

  committed(group: string, topicId: number): Map<number, number> {
    return new Map(this.s.committed.all(group, topicId).map((row) => [row.part, row.next_offset]));
  }

  commit(group: string, topicId: number, part: number, nextOffset: number): void {
    this.s.commit.run(group, topicId, part, nextOffset, Date.now());
  }

  /** Where the record with this event id is, while it is within retention (the idempotency index). */
  eventPosition(topicId: number, eventId: string): { part: number; rec_offset: number } | undefined {
    return this.s.eventPosition.get(topicId, eventId);
  }

  indexEvent(topicId: number, eventId: string, part: number, offset: number): void {
    this.s.insertEventId.run(topicId, eventId, part, offset);
  }

  deleteTopic(topicId: number): void {
    this.s.deleteTopicEventIds.run(topicId);
    this.s.deleteTopicRecords.run(topicId);
    this.s.deleteTopicPartitions.run(topicId);
    this.s.deleteTopicOffsets.run(topicId);
    this.s.deleteTopic.run(topicId);
  }

  /**
   * Applies retention.ms and retention.bytes to one partition by moving its log start forward (deleting a prefix,
   * never a hole). Returns how many records were removed. Call inside a write transaction.
   */
  enforceRetention(topic: TopicRow, part: number, now: number): number {
    const limits = retentionLimits(JSON.parse(topic.configs) as TopicConfigs);
    const row = this.partition(topic.id, part);
    if (!row || row.next_offset === row.log_start) return 0;
    let newStart = row.log_start;
    if (limits.ms !== undefined) {
      const cutoff = now - limits.ms;
      const oldest = this.s.oldestTimestamp.get(topic.id, part, row.log_start);
      if (oldest !== undefined && oldest.timestamp < cutoff) {
        const fresh = this.s.firstFreshOffset.get(topic.id, part, row.log_start, cutoff);
        newStart = fresh?.rec_offset ?? row.next_offset;
      }
    }
    if (limits.bytes !== undefined) {
      let size = row.size_bytes - (newStart > row.log_start ? this.sizeBefore(topic.id, part, newStart) : 0);
      if (size > limits.bytes) {
        // Trim the oldest records until the partition fits; keep the newest record whatever its size.
        for (const rec of this.s.sizesFrom.iterate(topic.id, part, newStart)) {
          if (size <= limits.bytes || rec.rec_offset === row.next_offset - 1) break;
          size -= rec.size;
          newStart = rec.rec_offset + 1;
        }
      }
    }
    if (newStart === row.log_start) return 0;
    const removedBytes = this.sizeBefore(topic.id, part, newStart);
    this.s.deleteBefore.run(topic.id, part, newStart);
    this.s.deleteEventIdsBefore.run(topic.id, part, newStart);
    this.s.moveLogStart.run(newStart, removedBytes, topic.id, part);
    return newStart - row.log_start;
  }

  private sizeBefore(topicId: number, part: number, offset: number): number {
    return this.s.sizeBefore.get(topicId, part, offset)?.total ?? 0;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retries fn while SQLite reports the database locked by another connection, up to timeoutMs. */
export async function retryWhileBusy<T>(fn: () => T, timeoutMs: number, file: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_LOCKED') throw error;
      if (Date.now() > deadline) {
        throw new MeshError('StreamLogBusy', `The local stream log ${file} stayed locked for ${timeoutMs} ms.`, {
          hint: 'Another mesh process is writing to it without pause; retry, or stop that process.',
          cause: error,
        });
      }
      await sleep(1 + Math.random() * 2);
    }
  }
}

/** Runs fn with synchronous=NORMAL (under WAL the commit is written, not fsynced), then back to FULL. */
export function withoutFsync<T>(db: BetterSqlite3.Database, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
