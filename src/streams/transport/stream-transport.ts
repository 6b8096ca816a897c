/**
 * The stream transport port: what every stream backend of mesh implements (the embedded durable log for the
 * local target, Kafka/MSK for AWS). It is the data plane only: topics, produce, consumer groups, tail.
 *
 * Consumption is pull-based and shaped for a Lambda-like poller (the MSK event source mapping model):
 *
 *   loop:
 *     batches = await t.fetch({ group, topic, maxRecords })          // one batch per partition with data
 *     for each batch:
 *       try { await handle(batch.records); await t.commit(group, topic, batch.partition, batch.nextOffset) }
 *       catch { // do not commit: the next fetch returns the same records again, in the same order }
 *
 * `fetch` always starts a partition at the group's committed offset (or, before any commit, where `fromBeginning`
 * says), so an uncommitted batch is delivered again. Delivery is
 * at-least-once; order is guaranteed within a partition, and so within a key.
 */

/** Topic configs in Kafka's own names and string values, e.g. `{ 'retention.ms': '604800000' }`. */
export type TopicConfigs = Record<string, string>;

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs?: TopicConfigs;
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Only the configs set on the topic (not the broker defaults). */
  readonly configs: TopicConfigs;
}

export interface ProduceRecord {
  /** Records with the same key go to the same partition (Kafka's murmur2 partitioner). Null: round-robin. */
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers?: Record<string, Buffer>;
  /** Create time in ms since the epoch; defaults to now. Time retention is measured against it. */
  readonly timestamp?: number;
  /** Force a partition instead of hashing the key. */
  readonly partition?: number;
  /**
   * The event's id (mesh puts it in the `mesh-event-id` header too). The embedded log keeps an index of the ids
   * still within retention and skips a record whose id it already holds, in the append's own transaction; Kafka
   * stores every record (its idempotent producer only removes retried duplicates of one send).
   */
  readonly id?: string;
}

/** Where an acknowledged record was written. Acknowledged means durable. */
export interface RecordPosition {
  readonly partition: number;
  readonly offset: number;
  /** The record was not appended: its id was already in the log, at this position. */
  readonly duplicate?: boolean;
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  /** Null only for a tombstone written by some other Kafka producer; mesh never writes one. */
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer>;
}

export interface FetchRequest {
  /** Consumer group id, e.g. `mesh.recommendations.listen-events`. */
  readonly group: string;
  readonly topic: string;
  /** Most records returned per partition. Default 100 (the Lambda ESM default batch size). */
  readonly maxRecords?: number;
  /**
   * Where a partition with no committed offset starts: the log start (true) or the end of the log at the
   * first fetch (false, the default; like StartingPosition LATEST). "Latest" is pinned at once as the group's
   * committed offset, so nothing appended after that first fetch is skipped. Ignored once the group has committed.
   */
  readonly fromBeginning?: boolean;
  /** How long to wait for at least one record before returning an empty list. Default 1000 ms. */
  readonly maxWaitMs?: number;
}

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** In offset order; never empty. */
  readonly records: readonly ConsumedRecord[];
  /** The offset to commit once the batch has been processed (last offset + 1). */
  readonly nextOffset: number;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionRange {
  readonly partition: number;
  /** The log start offset: the oldest offset still readable (moves forward with retention). */
  readonly start: number;
  /** The offset the next record will get (the high watermark). */
  readonly end: number;
}

export interface TailOptions {
  readonly topic: string;
  /** 'beginning': from each partition's log start; 'latest': only records written after the call. */
  readonly from: 'beginning' | 'latest';
  /** Start each partition this many records before its end instead (not before its log start). */
  readonly lastPerPartition?: number;
  /** Stop after this many records. */
  readonly maxRecords?: number;
  /** Stop once every partition has been read up to its end offset as of the call. */
  readonly stopAtEnd?: boolean;
  /** Stop when aborted (e.g. Ctrl-C for `mesh tail -f`). */
  readonly signal?: AbortSignal;
  /**
   * Called once, when the tail has fixed where it starts in every partition (before it reads): a record produced
   * after this is read by a 'latest' tail. Lets a caller produce into a tail it follows without waiting blindly.
   */
  readonly onStarted?: () => void;
}

export interface StreamTransport {
  /** 'embedded' (local durable log) or 'kafka' (a broker or MSK). */
  readonly kind: 'embedded' | 'kafka';

  /** Creates the topic when it does not exist. An existing topic is left as it is (compare with describeTopic). */
  ensureTopic(spec: TopicSpec): Promise<{ readonly created: boolean }>;
  describeTopic(name: string): Promise<TopicDescription | undefined>;
  /** User topics, sorted; internal ones (`__consumer_offsets`, …) are left out. */
  listTopics(): Promise<string[]>;
  /** Raises the partition count to `total`. Equal is a no-op; lower is an error (Kafka cannot shrink). */
  increasePartitions(name: string, total: number): Promise<void>;
  /** Sets the given configs and keeps the others; a null value removes that config (back to the default). */
  alterConfigs(name: string, configs: Record<string, string | null>): Promise<void>;
  /** Deletes the topic, its records and the committed offsets on it. Returns false when it did not exist. */
  deleteTopic(name: string): Promise<boolean>;

  /** Appends records; resolves once they are durable, with one position per record, in input order. */
  produce(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]>;

  /** One batch per partition that has records at the group's position (see the module comment). */
  fetch(request: FetchRequest): Promise<PartitionBatch[]>;
  /** Records that the group has processed everything before `nextOffset` on that partition. */
  commit(group: string, topic: string, partition: number, nextOffset: number): Promise<void>;
  /** The group's committed offsets on the topic; partitions without a commit are left out. */
  committedOffsets(group: string, topic: string): Promise<PartitionOffset[]>;
  /** Log start and end offset per partition. */
  endOffsets(topic: string): Promise<PartitionRange[]>;

  /** Reads without a consumer group and commits nothing. Needs maxRecords, stopAtEnd or signal to end. */
  tail(options: TailOptions): AsyncIterable<ConsumedRecord>;

  close(): Promise<void>;
}
