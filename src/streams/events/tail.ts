/**
 * `mesh events tail`: read a product's events and decode them with its schema.
 *   without a group: reads without committing (from the end, or from the beginning), as kcat does;
 *   with a group:    reads as that consumer group and commits what was printed, so the next tail resumes.
 * Stops on abort (Ctrl-C), after maxEvents (-c), or once it has read everything there was when it started (-e).
 * A record that does not decode is yielded with `error` set instead of `value`; the tail goes on.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { Target, Workspace } from '../../workspace/model.js';
import { type CompiledEventSchema, decodeGlueHeader, hasGlueHeader } from '../schema/index.js';
import type { ConsumedRecord, StreamTransport } from '../transport/index.js';
import { CONTENT_TYPE_HEADER, openEventsConnection, productStream, withPublishHint } from './product-stream.js';

export interface TailEventsOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly product: string;
  readonly fromBeginning?: boolean;
  readonly group?: string;
  /** Stop after this many events (-c). */
  readonly maxEvents?: number;
  /** Stop at the end of the stream as of the start (-e). */
  readonly stopAtEnd?: boolean;
  readonly signal: AbortSignal;
  readonly transport?: StreamTransport;
  /** aws with MSK: the run's AwsClients (made with --profile and --region; the caller destroys them). */
  readonly clients?: AwsClients;
  /** Called once the tail (without a group) has fixed where it starts: an event produced after this is read. */
  readonly onStarted?: () => void;
}

export interface TailedEvent {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** ISO 8601. */
  readonly timestamp: string;
  readonly key: string | null;
  readonly value?: unknown;
  readonly error?: string;
}

export function decodeRecord(schema: CompiledEventSchema, record: ConsumedRecord): TailedEvent {
  const base = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(record.timestamp).toISOString(),
    key: record.key === null ? null : record.key.toString('utf8'),
  };
  if (record.value === null) return { ...base, value: null };
  try {
    return { ...base, value: schema.toJson(schema.decode(record.value)) };
  } catch (error) {
    const fromMesh = CONTENT_TYPE_HEADER in record.headers;
    if (!fromMesh) {
      // Another producer may frame its events with the Glue Schema Registry header.
      try {
        if (hasGlueHeader(record.value)) return { ...base, value: schema.toJson(schema.decode(decodeGlueHeader(record.value).payload)) };
      } catch {
        // fall through to the original error
      }
    }
    return { ...base, error: (error as Error).message };
  }
}

export async function* tailEvents(options: TailEventsOptions): AsyncGenerator<TailedEvent> {
  const { product, port, schema } = await productStream(options.workspace, options.product);
  const opened = options.transport ? undefined : await openEventsConnection(options.workspace, options.target, product, options.clients);
  const transport = options.transport ?? (opened?.connection.transport as StreamTransport);
  try {
    if (options.signal.aborted) return;
    const records = options.group
      ? readAsGroup(transport, port.topic, options.group, options)
      : transport.tail({
          topic: port.topic,
          from: options.fromBeginning ? 'beginning' : 'latest',
          ...(options.maxEvents !== undefined ? { maxRecords: options.maxEvents } : {}),
          ...(options.stopAtEnd ? { stopAtEnd: true } : {}),
          ...(options.onStarted ? { onStarted: options.onStarted } : {}),
          signal: options.signal,
        });
    let count = 0;
    for await (const record of records) {
      yield decodeRecord(schema, record);
      count += 1;
      if (options.maxEvents !== undefined && count >= options.maxEvents) return;
      if (options.signal.aborted) return;
    }
  } catch (error) {
    throw withPublishHint(error, product);
  } finally {
    if (opened) {
      await opened.connection.transport.close();
    }
  }
}

/** Reads as a consumer group, committing each record once it has been handed on. */
async function* readAsGroup(
  transport: StreamTransport,
  topic: string,
  group: string,
  options: TailEventsOptions,
): AsyncGenerator<ConsumedRecord> {
  const ends = await transport.endOffsets(topic);
  const committed = new Map((await transport.committedOffsets(group, topic)).map((c) => [c.partition, c.offset]));
  const position = new Map(ends.map((r) => [r.partition, committed.get(r.partition) ?? (options.fromBeginning ? r.start : r.end)]));
  const caughtUp = () => ends.every((r) => (position.get(r.partition) ?? 0) >= r.end);
  let left = options.maxEvents ?? Number.POSITIVE_INFINITY;
  const pending = new Map<number, number>();
  const flush = async () => {
    for (const [partition, offset] of pending) await transport.commit(group, topic, partition, offset);
    pending.clear();
  };
  try {
    while (!options.signal.aborted && left > 0) {
      if (options.stopAtEnd && caughtUp()) return;
      const batches = await transport.fetch({
        group,
        topic,
        maxRecords: Math.min(500, left),
        fromBeginning: options.fromBeginning ?? false,
        maxWaitMs: 500,
      });
      for (const batch of batches) {
        for (const record of batch.records) {
          if (left <= 0) break;
          // Counted before the yield: a consumer that stops here has received this record.
          left -= 1;
          position.set(batch.partition, record.offset + 1);
          pending.set(batch.partition, record.offset + 1);
          yield record;
        }
      }
      await flush();
    }
  } finally {
    await flush();
  }
}
