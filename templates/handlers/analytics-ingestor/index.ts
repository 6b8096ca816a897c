/**
 * Interactions topic → Amazon Data Firehose, one record per play: the analytics domain's running count of plays per
 * item and content type per minute.
 *
 * Each play becomes one JSON line (newline-terminated, so the delivered S3 objects are JSON Lines for Athena):
 *   {"event_id":"…","item_id":"…","content_type":"song|podcast","minute":"2024-05-01T10:00:00Z","timestamp":1714557600}
 * The aggregate counts DISTINCT event_id per (minute, content_type, item_id): a redelivered record, which sends
 * the same line again, changes no count. On the local target the aggregate is mesh's analytics store (the local
 * Firehose endpoint dedupes by event_id as it writes); on aws, query the delivered objects with
 * `COUNT(DISTINCT event_id)`.
 *
 * - PutRecordBatch, up to 500 records per call; records the service rejects (FailedPutCount > 0) are sent again
 *   up to MAX_ATTEMPTS times with backoff; those still failing come back in `batchItemFailures` as
 *   `{ itemIdentifier: { 'topic-partition': '<topic>-<partition>', offset: <offset> } }`, as do records that do
 *   not decode.
 * - Events whose event type is not a play (PLAY_EVENT_TYPES) are skipped: they succeed without a record.
 *
 * Environment: FIREHOSE_STREAM_NAME (the delivery stream, the domain's `firehoseStream`; FIREHOSE_STREAM is read
 * too); PLAY_EVENT_TYPES
 * (comma-separated, default `play`). Local target: `mesh dev` sets AWS_ENDPOINT_URL_FIREHOSE.
 */
import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord, SchemaConfig } from '@aws-lambda-powertools/kafka/types';
import {
  FirehoseClient,
  type _Record as FirehoseRecord,
  PutRecordBatchCommand,
  type PutRecordBatchCommandOutput,
} from '@aws-sdk/client-firehose';
import * as z from 'zod';

/** Epoch seconds, epoch milliseconds or an ISO date → epoch seconds. */
const epochSeconds = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value) / 1000;
  if (!Number.isFinite(n) || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${String(value)}` });
    return z.NEVER;
  }
  return Math.floor(n > 1e11 ? n / 1000 : n);
});

/** The fields this handler reads from an interactions event (no user id: the aggregate does not need it). */
const listenEvent = z.object({
  event_id: z.string().min(1),
  item_id: z.string().min(1),
  content_type: z.enum(['song', 'podcast']),
  event_type: z.string().min(1),
  timestamp: epochSeconds,
});
type ListenEvent = z.output<typeof listenEvent>;

const schemaConfig = { value: { type: SchemaType.JSON, parserSchema: listenEvent } } satisfies SchemaConfig;

/** PutRecordBatch limits: 500 records and 4 MiB per call. */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 4 * 1024 * 1024;
/** Sends of a record the service rejected (FailedPutCount), including the first. */
const MAX_ATTEMPTS = 4;
const BACKOFF_MS = 100;

export interface PlayRecord {
  readonly event_id: string;
  readonly item_id: string;
  readonly content_type: 'song' | 'podcast';
  /** The play's minute, ISO 8601 UTC, seconds zero: `2024-05-01T10:00:00Z`. */
  readonly minute: string;
  /** When the play happened, epoch seconds. */
  readonly timestamp: number;
}

export interface BatchItemFailure {
  readonly itemIdentifier: { readonly 'topic-partition': string; readonly offset: number };
}
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

type KafkaRecord = ConsumerRecord<unknown, ListenEvent>;

let client: FirehoseClient | undefined;
function firehose(): FirehoseClient {
  client ??= new FirehoseClient({});
  return client;
}

/** FIREHOSE_STREAM_NAME, or FIREHOSE_STREAM as some domain files spell it. */
function streamNameFromEnv(): string {
  const value = process.env.FIREHOSE_STREAM_NAME || process.env.FIREHOSE_STREAM;
  if (!value) throw new Error("FIREHOSE_STREAM_NAME is not set: the function needs it (the analytics domain's firehoseStream).");
  return value;
}

function playEventTypes(): Set<string> {
  const raw = process.env.PLAY_EVENT_TYPES ?? 'play';
  return new Set(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

function failureOf(record: KafkaRecord): BatchItemFailure {
  return { itemIdentifier: { 'topic-partition': `${record.topic}-${record.partition}`, offset: record.offset } };
}

/** Failures sorted by topic-partition, then offset (a stable order for logs and tests). */
function inOffsetOrder(failures: BatchItemFailure[]): BatchItemFailure[] {
  return failures.sort((a, b) => {
    const x = a.itemIdentifier;
    const y = b.itemIdentifier;
    return x['topic-partition'] === y['topic-partition'] ? x.offset - y.offset : x['topic-partition'] < y['topic-partition'] ? -1 : 1;
  });
}

export function minuteOf(epochSecondsValue: number): string {
  return `${new Date(Math.floor(epochSecondsValue / 60) * 60_000).toISOString().slice(0, 16)}:00Z`;
}

function toPlayRecord(event: ListenEvent): PlayRecord {
  return {
    event_id: event.event_id,
    item_id: event.item_id,
    content_type: event.content_type,
    minute: minuteOf(event.timestamp),
    timestamp: event.timestamp,
  };
}

interface Pending {
  readonly data: Uint8Array;
  readonly records: KafkaRecord[];
}

/** Splits into calls within the record and byte limits. */
function calls(pending: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    if (current.length === MAX_RECORDS_PER_CALL || (current.length > 0 && bytes + p.data.byteLength > MAX_BYTES_PER_CALL)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.data.byteLength;
  }
  if (current.length > 0) out.push(current);
  return out;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends one call's records, re-sending the rejected ones; returns those that never got in. */
async function putWithRetries(streamName: string, batch: Pending[]): Promise<Pending[]> {
  let pending = batch;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const entries: FirehoseRecord[] = pending.map((p) => ({ Data: p.data }));
    let output: PutRecordBatchCommandOutput;
    try {
      output = await firehose().send(new PutRecordBatchCommand({ DeliveryStreamName: streamName, Records: entries }));
    } catch (error) {
      console.error(JSON.stringify({ message: 'PutRecordBatch failed', records: pending.length, attempt, error: describe(error) }));
      return pending;
    }
    if (!output.FailedPutCount) return [];
    const responses = output.RequestResponses ?? [];
    const rejected = pending.filter((_, i) => responses[i]?.ErrorCode !== undefined || responses[i] === undefined);
    const codes = [...new Set(responses.map((r) => r.ErrorCode).filter((c) => c !== undefined))];
    console.warn(JSON.stringify({ message: 'PutRecordBatch rejected records', failed: rejected.length, attempt, errorCodes: codes }));
    if (attempt >= MAX_ATTEMPTS) return rejected;
    pending = rejected;
    await sleep(BACKOFF_MS * 2 ** (attempt - 1));
  }
  return [];
}

export const handler = kafkaConsumer<unknown, ListenEvent>(async (event): Promise<BatchResponse> => {
  const streamName = streamNameFromEnv();
  const plays = playEventTypes();
  const failures: BatchItemFailure[] = [];
  const byEventId = new Map<string, Pending>();
  for (const record of event.records) {
    let listen: ListenEvent;
    try {
      listen = record.value;
    } catch (error) {
      console.error(
        JSON.stringify({
          message: 'record does not decode',
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          error: describe(error),
        }),
      );
      failures.push(failureOf(record));
      continue;
    }
    if (!plays.has(listen.event_type)) continue;
    const seen = byEventId.get(listen.event_id);
    if (seen) seen.records.push(record);
    else byEventId.set(listen.event_id, { data: Buffer.from(`${JSON.stringify(toPlayRecord(listen))}\n`), records: [record] });
  }

  const unsent = await Promise.all(calls([...byEventId.values()]).map((batch) => putWithRetries(streamName, batch)));
  for (const p of unsent.flat()) for (const record of p.records) failures.push(failureOf(record));
  return { batchItemFailures: inOffsetOrder(failures) };
}, schemaConfig);

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
