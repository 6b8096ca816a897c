/**
 * Songs and Podcasts topics → Amazon Personalize PutItems, into the recommendations domain's merged Items dataset.
 *
 * Each event becomes one item in the Items schema (the Personalize project's schemas/items.avsc), mapped the way
 * the `items` transform maps the tables:
 *   ITEM_ID            song_id        | episode_id
 *   CONTENT_TYPE       'song'         | 'podcast'
 *   GENRE              genre          | category
 *   CREATION_TIMESTAMP release_year (as the transform converts it) | published_ts   (epoch seconds)
 * Item properties are sent as Personalize wants them: a JSON string with the schema's field names in camelCase.
 *
 * - Upserts are idempotent: a redelivered event puts the same item again. Inside one batch only the last version
 *   of an item is sent (10 items per call, the API's limit).
 * - Partial batch response: records of a failed call, and records that do not decode, come back as
 *   `{ itemIdentifier: { 'topic-partition': '<topic>-<partition>', offset: <offset> } }`.
 *
 * Environment: PERSONALIZE_ITEMS_DATASET_ARN (the Items dataset). Local target: AWS_ENDPOINT_URL_PERSONALIZE_EVENTS.
 */
import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord, SchemaConfig } from '@aws-lambda-powertools/kafka/types';
import { type Item, PersonalizeEventsClient, PutItemsCommand } from '@aws-sdk/client-personalize-events';
import * as z from 'zod';

/** Epoch seconds, epoch milliseconds or an ISO date → epoch seconds (Personalize's timestamp unit). */
const epochSeconds = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value) / 1000;
  if (!Number.isFinite(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${String(value)}` });
    return z.NEVER;
  }
  return Math.floor(n > 1e11 ? n / 1000 : n);
});
const id = z.union([z.string().min(1).max(256), z.number().int()]).transform(String);
const label = z.string().min(1).nullish();

/**
 * A release year → epoch seconds, as the `items` transform computes it (songs carry a year, not a timestamp):
 * (year − 1970) × 31,556,952 s (the mean Gregorian year), so an item gets the same CREATION_TIMESTAMP from the
 * stream as from the batch export.
 */
const SECONDS_PER_YEAR = 31_556_952;
const yearStart = z
  .number()
  .int()
  .min(1000)
  .max(9999)
  .transform((year) => (year - 1970) * SECONDS_PER_YEAR);

/** A song event (Songs topic) or a podcast episode event (Podcasts topic), mapped to one merged item. */
const catalogEvent = z.union([
  z.object({ song_id: id, genre: label, release_year: yearStart }).transform((e) => ({
    itemId: e.song_id,
    contentType: 'song' as const,
    genre: e.genre ?? undefined,
    creationTimestamp: e.release_year,
  })),
  z.object({ episode_id: id, category: label, published_ts: epochSeconds }).transform((e) => ({
    itemId: e.episode_id,
    contentType: 'podcast' as const,
    genre: e.category ?? undefined,
    creationTimestamp: e.published_ts,
  })),
]);
type MergedItem = z.output<typeof catalogEvent>;

const schemaConfig = { value: { type: SchemaType.JSON, parserSchema: catalogEvent } } satisfies SchemaConfig;

/** Personalize accepts at most 10 items per PutItems call. */
const MAX_ITEMS_PER_CALL = 10;

export interface BatchItemFailure {
  readonly itemIdentifier: { readonly 'topic-partition': string; readonly offset: number };
}
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

type KafkaRecord = ConsumerRecord<unknown, MergedItem>;

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

function toPersonalizeItem(item: MergedItem): Item {
  const properties: Record<string, string | number> = { contentType: item.contentType, creationTimestamp: item.creationTimestamp };
  if (item.genre !== undefined) properties.genre = item.genre;
  return { itemId: item.itemId, properties: JSON.stringify(properties) };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const handler = kafkaConsumer<unknown, MergedItem>(async (event): Promise<BatchResponse> => {
  const datasetArn = requiredEnv('PERSONALIZE_ITEMS_DATASET_ARN');
  const failures: BatchItemFailure[] = [];
  // Last version of each item in the batch, and every record that carried the item.
  const latest = new Map<string, { item: MergedItem; records: KafkaRecord[] }>();
  for (const record of event.records) {
    let item: MergedItem;
    try {
      item = record.value;
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
    const entry = latest.get(item.itemId);
    if (entry) {
      entry.item = item;
      entry.records.push(record);
    } else latest.set(item.itemId, { item, records: [record] });
  }

  const calls = chunks([...latest.values()], MAX_ITEMS_PER_CALL);
  const results = await Promise.allSettled(
    calls.map((entries) =>
      personalizeEvents().send(new PutItemsCommand({ datasetArn, items: entries.map((e) => toPersonalizeItem(e.item)) })),
    ),
  );
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const entries = calls[index] ?? [];
    console.error(JSON.stringify({ message: 'PutItems failed', items: entries.map((e) => e.item.itemId), error: describe(result.reason) }));
    for (const entry of entries) for (const record of entry.records) failures.push(failureOf(record));
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
