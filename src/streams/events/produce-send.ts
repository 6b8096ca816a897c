/**
 * The send loop of `events produce`: batches of events, one at a time (so "acknowledged through line N" is exact),
 * progress after each, and a failure that says how far it got.
 */
import { MeshError } from '../../core/errors.js';
import { storageError } from '../../core/storage-errors.js';
import type { StreamTransport } from '../transport/index.js';
import type { EventLine } from './event-lines.js';

/** Events per produce call (one transaction on the embedded log, one request per partition on Kafka). */
export const SEND_BATCH = 1000;

export interface PartitionRangeProduced {
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly count: number;
}

export interface ProduceProgress {
  /** Events acknowledged so far (stored now, found already stored, or acknowledged by a previous run). */
  readonly acknowledged: number;
  /** Valid events in the input. */
  readonly total: number;
  /** Stored by this run. */
  readonly sent: number;
  readonly duplicates: number;
  /** The last acknowledged line: it and every line before it are done. */
  readonly line: number;
}

export interface SendOptions {
  readonly transport: StreamTransport;
  readonly topic: string;
  readonly events: readonly EventLine[];
  /** Ids known to be on the topic already (skipped without sending). */
  readonly alreadyStored: ReadonlySet<string>;
  readonly total: number;
  readonly acknowledgedBefore: number;
  readonly lastLineBefore: number;
  readonly onBatch: (progress: ProduceProgress) => void;
  /** The sentence appended to a failure: how much is acknowledged and how to continue. */
  readonly describeFailure: (acknowledged: number, line: number) => string;
}

export interface SendOutcome {
  readonly sent: number;
  readonly duplicates: number;
  readonly partitions: PartitionRangeProduced[];
}

export async function sendEvents(options: SendOptions): Promise<SendOutcome> {
  const { transport, topic, events } = options;
  const ranges = new Map<number, PartitionRangeProduced>();
  let sent = 0;
  let duplicates = 0;
  let acknowledged = options.acknowledgedBefore;
  let line = options.lastLineBefore;
  for (let i = 0; i < events.length; i += SEND_BATCH) {
    const batch = events.slice(i, i + SEND_BATCH);
    const fresh = batch.filter((e) => !options.alreadyStored.has(e.id));
    duplicates += batch.length - fresh.length;
    try {
      const positions = await transport.produce(
        topic,
        fresh.map((e) => e.record),
      );
      for (const p of positions) {
        if (p.duplicate) {
          duplicates += 1;
          continue;
        }
        sent += 1;
        const r = ranges.get(p.partition);
        ranges.set(p.partition, {
          partition: p.partition,
          firstOffset: r ? Math.min(r.firstOffset, p.offset) : p.offset,
          lastOffset: r ? Math.max(r.lastOffset, p.offset) : p.offset,
          count: (r?.count ?? 0) + 1,
        });
      }
    } catch (error) {
      throw failure(error, options.describeFailure(acknowledged, line), { acknowledged, line, sent, duplicates });
    }
    acknowledged += batch.length;
    line = batch.at(-1)?.line ?? line;
    options.onBatch({ acknowledged, total: options.total, sent, duplicates, line });
  }
  return { sent, duplicates, partitions: [...ranges.values()].sort((a, b) => a.partition - b.partition) };
}

/** The error, with how far the run got in its message and details (the code stays, e.g. DiskFull, KafkaUnavailable). */
function failure(
  error: unknown,
  progress: string,
  counts: { acknowledged: number; line: number; sent: number; duplicates: number },
): unknown {
  const mesh = error instanceof MeshError ? error : storageError(error);
  if (!mesh) return error;
  if (mesh.code === 'TopicNotFound' && counts.acknowledged === 0) return mesh; // reworded by the caller
  return new MeshError(mesh.code, `${mesh.message} ${progress}`, {
    hint: mesh.hint,
    cause: mesh.cause ?? error,
    details: {
      ...mesh.details,
      lastAcknowledgedLine: counts.line,
      acknowledged: counts.acknowledged,
      sent: counts.sent,
      duplicates: counts.duplicates,
    },
  });
}
