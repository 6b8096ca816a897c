/**
 * Users topic → Amazon Personalize PutUsers, into the recommendations domain's Users dataset.
 *
 * Each event becomes one user in the Users schema (templates' schemas/users.avsc):
 *   USER_ID user_id   COUNTRY country   SUBSCRIPTION_TIER subscription_tier   PREFERRED_GENRE preferred_genre
 * sent as Personalize wants user properties: a JSON string with the schema's field names in camelCase.
 *
 * - Upserts are idempotent: a redelivered event puts the same user again. Inside one batch only the last version
 *   of a user is sent (10 users per call, the API's limit).
 * - Partial batch response: records of a failed call, and records that do not decode, come back as
 *   `{ itemIdentifier: { 'topic-partition': '<topic>-<partition>', offset: <offset> } }`.
 *
 * Environment: PERSONALIZE_USERS_DATASET_ARN (the Users dataset). Local target: AWS_ENDPOINT_URL_PERSONALIZE_EVENTS.
 */
import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord, SchemaConfig } from '@aws-lambda-powertools/kafka/types';
import { PersonalizeEventsClient, PutUsersCommand, type User } from '@aws-sdk/client-personalize-events';
import * as z from 'zod';

const label = z.string().min(1).nullish();

/** The fields this handler reads from a user event (the others, email among them, never reach Personalize). */
const userEvent = z
  .object({
    user_id: z.union([z.string().min(1).max(256), z.number().int()]).transform(String),
    country: label,
    subscription_tier: label,
    preferred_genre: label,
  })
  .transform((e) => ({
    userId: e.user_id,
    country: e.country ?? undefined,
    subscriptionTier: e.subscription_tier ?? undefined,
    preferredGenre: e.preferred_genre ?? undefined,
  }));
type UserProfile = z.output<typeof userEvent>;

const schemaConfig = { value: { type: SchemaType.JSON, parserSchema: userEvent } } satisfies SchemaConfig;

/** Personalize accepts at most 10 users per PutUsers call. */
const MAX_USERS_PER_CALL = 10;

export interface BatchItemFailure {
  readonly itemIdentifier: { readonly 'topic-partition': string; readonly offset: number };
}
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

type KafkaRecord = ConsumerRecord<unknown, UserProfile>;

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

function toPersonalizeUser(user: UserProfile): User {
  const properties: Record<string, string> = {};
  if (user.country !== undefined) properties.country = user.country;
  if (user.subscriptionTier !== undefined) properties.subscriptionTier = user.subscriptionTier;
  if (user.preferredGenre !== undefined) properties.preferredGenre = user.preferredGenre;
  return { userId: user.userId, properties: JSON.stringify(properties) };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const handler = kafkaConsumer<unknown, UserProfile>(async (event): Promise<BatchResponse> => {
  const datasetArn = requiredEnv('PERSONALIZE_USERS_DATASET_ARN');
  const failures: BatchItemFailure[] = [];
  const latest = new Map<string, { user: UserProfile; records: KafkaRecord[] }>();
  for (const record of event.records) {
    let user: UserProfile;
    try {
      user = record.value;
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
    const entry = latest.get(user.userId);
    if (entry) {
      entry.user = user;
      entry.records.push(record);
    } else latest.set(user.userId, { user, records: [record] });
  }

  const calls = chunks([...latest.values()], MAX_USERS_PER_CALL);
  const results = await Promise.allSettled(
    calls.map((entries) =>
      personalizeEvents().send(new PutUsersCommand({ datasetArn, users: entries.map((e) => toPersonalizeUser(e.user)) })),
    ),
  );
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const entries = calls[index] ?? [];
    console.error(JSON.stringify({ message: 'PutUsers failed', users: entries.map((e) => e.user.userId), error: describe(result.reason) }));
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
