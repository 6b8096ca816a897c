/**
 * Interactions topic → Amazon Personalize PutEvents (the dataset group's event tracker).
 *
 * Records arrive in the MSK event shape; Powertools' Kafka utility decodes each value (JSON text, validated against
 * the product's Avro event schema when it was produced) and checks it against `listenEvent` below.
 *
 * - One PutEvents call per user + session, at most 10 events each (the API's limit).
 * - eventId = the event's own id, so a redelivered record is the same event to Personalize: it keeps the first
 *   one with an id and ignores later copies. A record repeated inside one batch is sent once.
 * - Partial batch response: records whose call failed, or that do not decode, come back in `batchItemFailures`
 *   as `{ itemIdentifier: { 'topic-partition': '<topic>-<partition>', offset: <offset> } }`; Lambda (with
 *   FunctionResponseTypes ReportBatchItemFailures) retries them, then sends them to the dead-letter topic.
 *
 * Environment: PERSONALIZE_TRACKING_ID (the event tracker's tracking id). The SDK finds the endpoint as usual
 * (on the local target `mesh dev` sets AWS_ENDPOINT_URL_PERSONALIZE_EVENTS).
 */
import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord, SchemaConfig } from '@aws-lambda-powertools/kafka/types';
import { type Event as PersonalizeEvent, PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import * as z from 'zod';

/** Epoch seconds, epoch milliseconds or an ISO date → epoch seconds (Personalize's TIMESTAMP unit). */
const epochSeconds = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value) / 1000;
  if (!Number.isFinite(n) || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${String(value)}` });
    return z.NEVER;
  }
  return Math.floor(n > 1e11 ? n / 1000 : n);
});

/** The fields this handler reads from an interactions event (other fields are ignored). */
const listenEvent = z.object({
  event_id: z.string().min(1).max(256),
  user_id: z.string().min(1).max(256),
  item_id: z.string().min(1).max(256),
  content_type: z.enum(['song', 'podcast']),
  event_type: z.string().min(1).max(256),
  timestamp: epochSeconds,
  session_id: z.string().min(1).max(256),
});
type ListenEvent = z.output<typeof listenEvent>;

const schemaConfig = { value: { type: SchemaType.JSON, parserSchema: listenEvent } } satisfies SchemaConfig;

/** Personalize accepts at most 10 events per PutEvents call. */
const MAX_EVENTS_PER_CALL = 10;

export interface BatchItemFailure {
  readonly itemIdentifier: { readonly 'topic-partition': string; readonly offset: number };
}
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

type KafkaRecord = ConsumerRecord<unknown, ListenEvent>;

let client: PersonalizeEventsClient | undefined;
function personalizeEvents(): PersonalizeEventsClient {
  client ??= new PersonalizeEventsClient({});
  return client;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the function needs it (mesh sets it from the Personalize outputs).`);
  return value;
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

function toPersonalizeEvent(event: ListenEvent): PersonalizeEvent {
  return {
    eventId: event.event_id,
    eventType: event.event_type,
    itemId: event.item_id,
    sentAt: new Date(event.timestamp * 1000),
    properties: JSON.stringify({ contentType: event.content_type }),
  };
}

/** Events of one user + session, in batch order, with the records that carried them (repeats included). */
interface SessionGroup {
  readonly userId: string;
  readonly sessionId: string;
  readonly events: ListenEvent[];
  readonly recordsByEventId: Map<string, KafkaRecord[]>;
}

function groupBySession(records: readonly { record: KafkaRecord; event: ListenEvent }[]): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  for (const { record, event } of records) {
    const key = JSON.stringify([event.user_id, event.session_id]);
    let group = groups.get(key);
    if (!group) {
      group = { userId: event.user_id, sessionId: event.session_id, events: [], recordsByEventId: new Map() };
      groups.set(key, group);
    }
    const carriers = group.recordsByEventId.get(event.event_id);
    if (carriers) carriers.push(record);
    else {
      group.recordsByEventId.set(event.event_id, [record]);
      group.events.push(event);
    }
  }
  return [...groups.values()];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const handler = kafkaConsumer<unknown, ListenEvent>(async (event): Promise<BatchResponse> => {
  const trackingId = requiredEnv('PERSONALIZE_TRACKING_ID');
  const failures: BatchItemFailure[] = [];
  const decoded: { record: KafkaRecord; event: ListenEvent }[] = [];
  for (const record of event.records) {
    try {
      decoded.push({ record, event: record.value });
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
    }
  }

  const calls = groupBySession(decoded).flatMap((group) => chunks(group.events, MAX_EVENTS_PER_CALL).map((events) => ({ group, events })));
  const results = await Promise.allSettled(
    calls.map(({ group, events }) =>
      personalizeEvents().send(
        new PutEventsCommand({ trackingId, userId: group.userId, sessionId: group.sessionId, eventList: events.map(toPersonalizeEvent) }),
      ),
    ),
  );
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const call = calls[index];
    if (!call) return;
    console.error(
      JSON.stringify({
        message: 'PutEvents failed',
        userId: call.group.userId,
        sessionId: call.group.sessionId,
        events: call.events.length,
        error: describe(result.reason),
      }),
    );
    for (const listen of call.events) {
      for (const record of call.group.recordsByEventId.get(listen.event_id) ?? []) failures.push(failureOf(record));
    }
  });
  return { batchItemFailures: inOffsetOrder(failures) };
}, schemaConfig);

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause === undefined ? `${error.name}: ${error.message}` : `${error.name}: ${error.message} (${JSON.stringify(cause)})`;
  }
  return String(error);
}
