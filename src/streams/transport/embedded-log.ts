import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { MeshError } from '../../core/errors.js';
import { storageError } from '../../core/storage-errors.js';
import { appendRecords, batchBytes } from './embedded-log-append.js';
import { LogStatements, retryWhileBusy, SCHEMA_SQL, SCHEMA_VERSION, sleep, type TopicRow, withoutFsync } from './embedded-log-store.js';
import { appendSignals, unwatchWal, watchWal } from './embedded-log-wake.js';
import { KeyPartitioner } from './partitioner.js';
import type {
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
import { assertPartitionCount, assertTopicConfigs, assertTopicSpec, mergeConfigs, topicNotFound } from './topic-rules.js';

/** The database file inside the folder given to openEmbeddedLog. */
export const EMBEDDED_LOG_FILE = 'streams.db';

export interface EmbeddedLogOptions {
  /**
   * Longest pause between checks for appends made by another process while a fetch/tail waits. Appends made by this
   * process wake waiting readers at once, and so do other processes' writes where the log's folder can be watched
   * (embedded-log-wake.ts); the checks are then only a safety net, every this many ms. Where it cannot be watched,
   * the checks start 1 ms apart and double up to this. Default 20 ms.
   */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another process holding the write lock. Default 15000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * The clock retention and record timestamps are read from (epoch ms). Default Date.now; tests pass their own to
   * age records without waiting.
   */
  readonly now?: () => number;
}

/** Appends per file by this process (data_version only sees other processes' commits). */
const appendCounts = new Map<string, number>();

/**
 * The embedded durable log: Kafka's data model (topics, partitions, offsets, consumer groups, retention) in one
 * SQLite file, for the local target. Safe for several mesh processes at once: WAL lets readers run beside the one
 * writer, every append runs in a BEGIN IMMEDIATE transaction (it takes the write lock up front, so offsets are
 * allocated once and densely), and a second writer waits and retries (see write()) instead of failing.
 * Left out on purpose: compaction (cleanup.policy=compact is stored, not applied) and group membership
 * (two pollers of one group both read every partition; run one poller per group).
 */
export class EmbeddedLog implements StreamTransport {
  readonly kind = 'embedded' as const;
  private readonly sql: LogStatements;
  private readonly partitioner = new KeyPartitioner();
  private readonly pollIntervalMs: number;
  private readonly busyTimeoutMs: number;
  private readonly now: () => number;
  private lastWriteAt = 0;
  private writeStreakStart = 0;
  private closed = false;
  /** Whether this connection watches the WAL (see embedded-log-wake.ts): undefined until a reader first waits. */
  private watching: boolean | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    readonly file: string,
    options: EmbeddedLogOptions = {},
  ) {
    this.sql = new LogStatements(db);
    this.pollIntervalMs = options.pollIntervalMs ?? 20;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  async ensureTopic(spec: TopicSpec): Promise<{ readonly created: boolean }> {
    assertTopicSpec(spec);
    return await this.write(() => {
      if (this.sql.topic(spec.name)) return { created: false };
      this.sql.createTopic(spec.name, spec.partitions, spec.replicationFactor, spec.configs ?? {});
      return { created: true };
    });
  }

  async describeTopic(name: string): Promise<TopicDescription | undefined> {
    this.assertOpen();
    const row = this.sql.topic(name);
    if (!row) return undefined;
    return {
      name: row.name,
      partitions: row.partitions,
      replicationFactor: row.replication_factor,
      configs: JSON.parse(row.configs) as TopicConfigs,
    };
  }

  async listTopics(): Promise<string[]> {
    this.assertOpen();
    return this.sql.topicNames();
  }

  async increasePartitions(name: string, total: number): Promise<void> {
    assertPartitionCount(name, total);
    await this.write(() => {
      const topic = this.requireTopic(name);
      if (total < topic.partitions) {
        throw new MeshError('PartitionDecrease', `Topic "${name}" has ${topic.partitions} partitions; it cannot shrink to ${total}.`, {
          hint: 'Kafka cannot remove partitions. Create a new topic (a new major version) instead.',
        });
      }
      if (total > topic.partitions) this.sql.addPartitions(topic.id, topic.partitions, total);
    });
  }

  async alterConfigs(name: string, configs: Record<string, string | null>): Promise<void> {
    assertTopicConfigs(name, configs);
    await this.write(() => {
      const topic = this.requireTopic(name);
      this.sql.setConfigs(topic.id, mergeConfigs(JSON.parse(topic.configs) as TopicConfigs, configs));
    });
    await this.enforceRetention(name);
  }

  async deleteTopic(name: string): Promise<boolean> {
    return await this.write(() => {
      const topic = this.sql.topic(name);
      if (!topic) return false;
      this.sql.deleteTopic(topic.id);
      return true;
    });
  }

  async produce(topicName: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    if (records.length === 0) return [];
    let positions: RecordPosition[];
    try {
      positions = await this.write(() => {
        const topic = this.requireTopic(topicName);
        const pick = (record: ProduceRecord) => record.partition ?? this.partitioner.pick(topicName, record.key, topic.partitions);
        return appendRecords(this.sql, topic, records, pick, this.now());
      });
    } catch (error) {
      // The transaction rolled back: nothing of the batch is in the log, which stays readable.
      throw storageError(error, { path: this.file, bytesNeeded: batchBytes(records) }) ?? error;
    }
    appendCounts.set(this.file, (appendCounts.get(this.file) ?? 0) + 1);
    appendSignals.emit(this.file);
    return positions;
  }

  async fetch(request: FetchRequest): Promise<PartitionBatch[]> {
    const maxRecords = request.maxRecords ?? 100;
    const deadline = Date.now() + (request.maxWaitMs ?? 1000);
    for (;;) {
      const mark = this.changeMark(); // taken before reading, so an append during the read is not waited past
      const batches = await this.readGroup(request.group, request.topic, maxRecords, request.fromBeginning ?? false);
      if (batches.length > 0 || Date.now() >= deadline) return batches;
      await this.waitForAppend(mark, deadline);
    }
  }

  /**
   * Offsets are written without waiting for the disk (synchronous=NORMAL for this transaction only): a poller commits
   * after every batch, and an fsync there would hold up the next fetch. A crash of the process keeps the commit (it is
   * in the WAL); a power loss can lose the last commits, never a record: the records are then delivered again, which
   * at-least-once allows. The next durable write (an append) fsyncs the WAL, these commits with it.
   */
  async commit(group: string, topicName: string, partition: number, nextOffset: number): Promise<void> {
    await this.write(() => {
      const topic = this.requireTopic(topicName);
      const row = this.sql.partition(topic.id, partition);
      if (!row) throw new MeshError('PartitionNotFound', `Topic "${topicName}" has no partition ${partition}.`);
      if (!Number.isInteger(nextOffset) || nextOffset < 0 || nextOffset > row.next_offset) {
        throw new MeshError(
          'OffsetInvalid',
          `Cannot commit offset ${nextOffset} on ${topicName}-${partition}: the log ends at ${row.next_offset}.`,
        );
      }
      this.sql.commit(group, topic.id, partition, nextOffset);
    }, false);
  }

  async committedOffsets(group: string, topicName: string): Promise<PartitionOffset[]> {
    const topic = this.requireTopic(topicName);
    return [...this.sql.committed(group, topic.id)].map(([partition, offset]) => ({ partition, offset }));
  }

  async endOffsets(topicName: string): Promise<PartitionRange[]> {
    const topic = this.requireTopic(topicName);
    return this.sql.partitions(topic.id).map((row) => ({ partition: row.part, start: row.log_start, end: row.next_offset }));
  }

  async *tail(options: TailOptions): AsyncIterable<ConsumedRecord> {
    const topic = this.requireTopic(options.topic);
    const initial = this.sql.partitions(topic.id);
    const startOf = (row: { log_start: number; next_offset: number }) =>
      options.lastPerPartition !== undefined
        ? Math.max(row.log_start, row.next_offset - options.lastPerPartition)
        : options.from === 'beginning'
          ? row.log_start
          : row.next_offset;
    const positions = new Map(initial.map((row) => [row.part, startOf(row)]));
    const stopAt = new Map(initial.map((row) => [row.part, row.next_offset]));
    options.onStarted?.();
    let delivered = 0;
    for (;;) {
      if (options.signal?.aborted) return;
      const mark = this.changeMark();
      const current = this.requireTopic(options.topic);
      let readAny = false;
      for (const row of this.sql.partitions(current.id)) {
        const from = Math.max(positions.get(row.part) ?? row.log_start, row.log_start);
        const limit = Math.min(500, (options.maxRecords ?? Number.POSITIVE_INFINITY) - delivered);
        const records = this.sql.read(options.topic, current.id, row.part, from, limit);
        positions.set(row.part, records.length > 0 ? (records.at(-1)?.offset ?? from) + 1 : from);
        for (const record of records) {
          yield record;
          delivered += 1;
        }
        readAny ||= records.length > 0;
        if (options.maxRecords !== undefined && delivered >= options.maxRecords) return;
      }
      if (options.stopAtEnd && [...stopAt].every(([part, end]) => (positions.get(part) ?? 0) >= end)) return;
      if (!readAny) await this.waitForAppend(mark, Date.now() + 1000, options.signal);
    }
  }

  /** Applies retention.ms / retention.bytes now, to one topic or all; returns how many records were removed. */
  async enforceRetention(topicName?: string): Promise<number> {
    const names = topicName === undefined ? this.sql.topicNames() : [topicName];
    return await this.write(() => {
      let removed = 0;
      const now = this.now();
      for (const name of names) {
        const topic = this.requireTopic(name);
        for (const row of this.sql.partitions(topic.id)) removed += this.sql.enforceRetention(topic, row.part, now);
      }
      return removed;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watching !== undefined) unwatchWal(this.file);
    this.db.close();
  }

  private async readGroup(group: string, topicName: string, maxRecords: number, fromBeginning: boolean): Promise<PartitionBatch[]> {
    if (!fromBeginning) await this.pinLatest(group, topicName);
    const read = this.db.transaction(() => {
      const topic = this.requireTopic(topicName);
      const committed = this.sql.committed(group, topic.id);
      const batches: PartitionBatch[] = [];
      for (const row of this.sql.partitions(topic.id)) {
        let position = committed.get(row.part) ?? row.log_start;
        // The committed offset fell behind retention: reset like Kafka's auto.offset.reset.
        if (position < row.log_start) position = fromBeginning ? row.log_start : row.next_offset;
        const records = this.sql.read(topicName, topic.id, row.part, position, maxRecords);
        const last = records.at(-1);
        if (last) batches.push({ topic: topicName, partition: row.part, records, nextOffset: last.offset + 1 });
      }
      return batches;
    });
    return read.deferred();
  }

  /**
   * A group starting at "latest" pins that position as its committed offset on first fetch (as the Kafka transport
   * does), so records appended after that fetch are never skipped, even across a restart.
   */
  private async pinLatest(group: string, topicName: string): Promise<void> {
    const topic = this.requireTopic(topicName);
    if (this.sql.committed(group, topic.id).size >= topic.partitions) return;
    await this.write(() => {
      const current = this.requireTopic(topicName);
      const committed = this.sql.committed(group, current.id);
      for (const row of this.sql.partitions(current.id)) {
        if (!committed.has(row.part)) this.sql.commit(group, current.id, row.part, row.next_offset);
      }
    });
  }

  /** What has been written to the file so far: other processes' commits (data_version) and this process's appends. */
  private changeMark(): string {
    return `${this.dataVersion()}:${appendCounts.get(this.file) ?? 0}`;
  }

  /** Resolves once the file changed since `mark` (an append here, a commit elsewhere), on abort, or at the deadline. */
  private waitForAppend(mark: string, deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        appendSignals.off(this.file, wake);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      this.watching ??= watchWal(this.file); // woken by the watch, the checks are a safety net; else they back off
      let interval = this.watching ? this.pollIntervalMs : 1;
      const poll = () => {
        if (this.closed || Date.now() >= deadline || this.changeMark() !== mark) return finish();
        timer = setTimeout(poll, Math.max(1, Math.min(interval, deadline - Date.now())));
        interval = Math.min(interval * 2, this.pollIntervalMs);
      };
      // A write seen by the watch may be a commit still under way (its frames are written before it is visible):
      // check at once, then again 1, 2, 4 … ms later until it shows.
      const wake = () => {
        clearTimeout(timer);
        interval = 1;
        poll();
      };
      appendSignals.on(this.file, wake);
      signal?.addEventListener('abort', finish, { once: true });
      poll();
    });
  }

  /** Changes when another connection (another process) commits to the file. */
  private dataVersion(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  private assertOpen(): void {
    if (this.closed) throw new MeshError('TransportClosed', 'The embedded stream log is closed.');
  }

  private requireTopic(name: string): TopicRow {
    this.assertOpen();
    const topic = this.sql.topic(name);
    if (!topic) throw topicNotFound(name, this.sql.topicNames());
    return topic;
  }

  /**
   * Runs fn in a BEGIN IMMEDIATE transaction: it takes the write lock first, so two processes never interleave.
   * `durable` false: the commit is not fsynced (see commit()).
   * A writer that finds the lock taken retries every few ms (rather than SQLite's busy handler, which backs off to
   * 100 ms sleeps and lets a busy writer in another process keep the lock for as long as it writes), and a writer
   * that has written without a break for 50 ms steps aside for 3 ms, so other processes' appends and commits get in.
   */
  private async write<T>(fn: () => T, durable = true): Promise<T> {
    this.assertOpen();
    const transaction = () => this.db.transaction(fn).immediate();
    const result = await retryWhileBusy(durable ? transaction : () => withoutFsync(this.db, transaction), this.busyTimeoutMs, this.file);
    const now = Date.now();
    if (now - this.lastWriteAt > 5) this.writeStreakStart = now;
    this.lastWriteAt = now;
    if (now - this.writeStreakStart > 50) {
      await sleep(3);
      this.writeStreakStart = Date.now();
    }
    return result;
  }
}

/**
 * Opens (creating if needed) the embedded log in `dir`/streams.db, e.g. `<workspace>/.mesh/local`.
 * Durability: journal_mode=WAL with synchronous=FULL fsyncs the WAL on every commit, so an append is on disk
 * before produce() resolves (acknowledged = durable, even across power loss; NORMAL would only survive a crash
 * of the process, not of the machine).
 */
export async function openEmbeddedLog(dir: string, options: EmbeddedLogOptions = {}): Promise<EmbeddedLog> {
  const { default: Database } = await import('better-sqlite3');
  mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, EMBEDDED_LOG_FILE);
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new MeshError('StreamLogOpenFailed', `Cannot open the local stream log at ${file}.`, {
      hint: 'Check that the folder is writable and the file is not a different kind of file.',
      cause,
    });
  }
  // A short busy wait inside SQLite (reads rarely need one under WAL); writers retry in retryWhileBusy.
  db.pragma('busy_timeout = 5');
  const timeout = options.busyTimeoutMs ?? 15_000;
  await retryWhileBusy(() => db.pragma('journal_mode = WAL'), timeout, file);
  db.pragma('synchronous = FULL');
  const createSchema = db.transaction(() => {
    db.exec(SCHEMA_SQL);
    const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
    if (row === undefined || Number(row.value) < SCHEMA_VERSION) {
      // 1 → 2 added the event id index (event_ids), created above; records appended before have no id in it.
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    } else if (Number(row.value) > SCHEMA_VERSION) {
      throw new MeshError('StreamLogTooNew', `${file} was written by a newer mesh (schema ${row.value}).`, {
        hint: 'Upgrade mesh, or delete the file to start the local streams afresh.',
      });
    }
  });
  await retryWhileBusy(() => createSchema.immediate(), timeout, file);
  return new EmbeddedLog(db, file, options);
}
