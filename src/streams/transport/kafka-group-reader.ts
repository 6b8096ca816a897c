import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { ConsumedRecord, PartitionBatch } from './stream-transport.js';

/**
 * Turns kafkajs' push consumer into the port's pull API. One kafkajs consumer (one group member) per group and topic,
 * with autoCommit off. Fetched records are buffered per partition from the committed position onwards and dropped
 * only by commit(), so a batch that is not committed is handed out again by the next take(). A partition whose
 * buffer is full is paused until commits drain it. After a rebalance kafkajs refetches from the committed offsets;
 * records already buffered are skipped by offset, so nothing is duplicated or reordered within a partition.
 */
export interface GroupReaderOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly groupId: string;
  readonly topic: string;
  /**
   * Start positions for partitions that have no committed offset, applied when the member first joins. Without it
   * kafkajs resolves them by `fromBeginning` at its first fetch, which is later than the caller's call.
   */
  readonly pinStart?: Map<number, number>;
  /** Also commit the pinned positions, so a restart resumes from them (consumer groups; not tail). */
  readonly persistPins?: boolean;
  readonly fromBeginning: boolean;
  /** Per-partition buffer size (records) that pauses fetching. */
  readonly highWater?: number;
  readonly maxWaitTimeInMs?: number;
}

interface PartitionBuffer {
  records: ConsumedRecord[];
  /** Offsets below this were committed or are buffered already: skip them when refetched. */
  nextExpected: number;
}

export class KafkaGroupReader {
  private readonly buffers = new Map<number, PartitionBuffer>();
  private readonly paused = new Set<number>();
  private waiters: Array<() => void> = [];
  private failure: Error | undefined;
  private readonly highWater: number;
  /** The partitions of the topic this member holds since the last rebalance. */
  private assigned: number[] = [];
  private commitScheduled = false;
  /** Commits waiting for this turn's OffsetCommit request (see commit). */
  private readonly pendingCommits = new Map<
    number,
    { offset: number; settle: Array<{ resolve: () => void; reject: (error: unknown) => void }> }
  >();

  private constructor(
    private readonly consumer: Consumer,
    readonly groupId: string,
    readonly topic: string,
    highWater: number,
  ) {
    this.highWater = highWater;
  }

  static async start(options: GroupReaderOptions): Promise<KafkaGroupReader> {
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 250,
      // Heartbeats also go out between fetches, so a slow caller does not lose the group while it processes.
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    const reader = new KafkaGroupReader(consumer, options.groupId, options.topic, options.highWater ?? 2_000);
    const pins = options.pinStart ?? new Map<number, number>();
    let joins = 0;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = event.payload.memberAssignment[options.topic] ?? [];
      reader.onAssignment(assigned);
      // GROUP_JOIN is emitted after the sync and before the first fetch: seeking here leaves no window in which
      // kafkajs could fetch from its own reset position. Only on the first join; later ones resume from commits.
      if (joins++ > 0) return;
      for (const partition of assigned) {
        const offset = pins.get(partition);
        if (offset !== undefined) {
          reader.expectFrom(partition, offset);
          consumer.seek({ topic: options.topic, partition, offset: String(offset) });
        }
      }
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) reader.fail(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => reader.onBatch(payload) });
    const pinsToCommit = [...pins].filter(([partition]) => reader.assigned.includes(partition));
    if (options.persistPins && pinsToCommit.length > 0) {
      // Best effort: if this fails, the seek above still holds for this member; only a restart would re-resolve.
      await consumer
        .commitOffsets(pinsToCommit.map(([partition, offset]) => ({ topic: options.topic, partition, offset: String(offset) })))
        .catch(() => undefined);
    }
    return reader;
  }

  /** Buffered batches, waiting up to maxWaitMs for the first record. */
  async take(maxRecords: number, maxWaitMs: number, signal?: AbortSignal): Promise<PartitionBatch[]> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      if (this.failure) throw this.failure;
      const batches: PartitionBatch[] = [];
      for (const [partition, buffer] of [...this.buffers].sort(([a], [b]) => a - b)) {
        const records = buffer.records.slice(0, maxRecords);
        const last = records.at(-1);
        if (last) batches.push({ topic: this.topic, partition, records, nextOffset: last.offset + 1 });
      }
      if (batches.length > 0 || Date.now() >= deadline || signal?.aborted) return batches;
      await this.waitForRecords(deadline, signal);
    }
  }

  /**
   * Commits to the group on the broker, then forgets the buffered records before nextOffset. Commits asked for in
   * the same turn of the event loop (a poller committing every partition of a batch at once) go to the broker as
   * one OffsetCommit request: one round trip instead of one per partition.
   */
  commit(partition: number, nextOffset: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const earlier = this.pendingCommits.get(partition);
      // Two commits of one partition in one turn: the later one stands, as if sent one after the other.
      this.pendingCommits.set(partition, { offset: nextOffset, settle: [...(earlier?.settle ?? []), { resolve, reject }] });
      if (!this.commitScheduled) {
        this.commitScheduled = true;
        setImmediate(() => void this.flushCommits());
      }
    });
  }

  private async flushCommits(): Promise<void> {
    const commits = [...this.pendingCommits];
    this.pendingCommits.clear();
    this.commitScheduled = false;
    try {
      await this.consumer.commitOffsets(
        commits.map(([partition, { offset }]) => ({ topic: this.topic, partition, offset: String(offset) })),
      );
    } catch (error) {
      for (const [, { settle }] of commits) for (const s of settle) s.reject(error);
      return;
    }
    for (const [partition, { offset, settle }] of commits) {
      this.release(partition, offset);
      for (const s of settle) s.resolve();
    }
  }

  /** Forgets buffered records before nextOffset without committing (for tail, whose group is throwaway). */
  release(partition: number, nextOffset: number): void {
    const buffer = this.buffers.get(partition);
    if (!buffer) return;
    buffer.records = buffer.records.filter((record) => record.offset >= nextOffset);
    buffer.nextExpected = Math.max(buffer.nextExpected, nextOffset);
    if (this.paused.has(partition) && buffer.records.length < this.highWater / 2) {
      this.paused.delete(partition);
      this.consumer.resume([{ topic: this.topic, partitions: [partition] }]);
    }
  }

  private expectFrom(partition: number, offset: number): void {
    this.buffers.set(partition, { records: [], nextExpected: offset });
  }

  /** Where this member reads the partition next: the oldest buffered offset, else the next one to fetch. */
  readPosition(partition: number): number | undefined {
    const buffer = this.buffers.get(partition);
    return buffer ? (buffer.records[0]?.offset ?? buffer.nextExpected) : undefined;
  }

  async stop(): Promise<void> {
    this.fail(new Error('The consumer was closed.'));
    await this.consumer.disconnect();
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    let buffer = this.buffers.get(partition);
    if (!buffer) {
      buffer = { records: [], nextExpected: 0 };
      this.buffers.set(partition, buffer);
    }
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      if (offset < buffer.nextExpected) continue;
      buffer.records.push(toConsumedRecord(batch.topic, partition, message));
      buffer.nextExpected = offset + 1;
    }
    if (buffer.records.length >= this.highWater && !this.paused.has(partition)) {
      this.paused.add(partition);
      this.consumer.pause([{ topic: this.topic, partitions: [partition] }]);
    }
    if (buffer.records.length > 0) this.wakeAll();
  }

  private onAssignment(partitions: number[]): void {
    this.assigned = partitions;
    for (const partition of [...this.buffers.keys()]) {
      if (!partitions.includes(partition)) {
        this.buffers.delete(partition);
        this.paused.delete(partition);
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private waitForRecords(deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }
}

function toConsumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: toHeaders(message.headers),
  };
}

/** kafkajs headers may repeat a key (an array); the port keeps the last value, as most Kafka clients' lastHeader(). */
function toHeaders(headers: IHeaders | undefined): Record<string, Buffer> {
  const result: Record<string, Buffer> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) result[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  }
  return result;
}
