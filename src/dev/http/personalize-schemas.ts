/**
 * Request shapes of the Personalize-compatible routes, with the constraints of Personalize's API models
 * (personalize-events 2018-03-22, personalize-runtime 2018-05-22): required members, types, string lengths, list
 * sizes, ARN pattern. Unknown members are ignored, as AWS does. A request that does not fit answers 400
 * InvalidInputException naming the member, never 500.
 */
import * as z from 'zod';
import { invalidInput } from './http-error.js';

/** `arn:<partition>:personalize:<region>:<account>:<resource>`, at most 256 characters. */
const arn = z
  .string()
  .max(256)
  .regex(/^arn:([a-z\d-]+):personalize:.*:.*:.+/, 'must be a Personalize ARN');
/** StringType, ItemId, UserId: 1 to 256 characters. */
const str256 = z.string().min(1).max(256);
/** The SDK sends timestamps as epoch seconds; an ISO 8601 string is accepted too. */
const timestamp = z.union([
  z.number().finite().nonnegative(),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a timestamp')
    .transform((s) => Date.parse(s) / 1000),
]);
/** FilterValues: up to 25 entries, names `[A-Za-z0-9_]{1,50}`, values up to 1,000 characters. */
const filterValues = z
  .record(z.string().regex(/^[A-Za-z0-9_]{1,50}$/, 'filter value names are 1 to 50 of A-Z a-z 0-9 _'), z.string().max(1000))
  .refine((m) => Object.keys(m).length <= 25, 'must hold at most 25 entries');
/** Context: up to 150 entries, names `[A-Za-z\d_]{1,150}`, values up to 1,000 characters (accepted, not used locally). */
const context = z
  .record(z.string().regex(/^[A-Za-z\d_]{1,150}$/, 'context names are 1 to 150 of A-Z a-z 0-9 _'), z.string().max(1000))
  .refine((m) => Object.keys(m).length <= 150, 'must hold at most 150 entries');
const metadataColumns = z
  .record(z.string().max(256), z.array(z.string().max(150)).max(99))
  .refine((m) => Object.keys(m).length <= 1, 'must hold at most 1 entry');
const numResults = z.number().int().min(1).max(500);

export const putEventsInput = z.object({
  trackingId: str256,
  userId: str256.optional(),
  sessionId: str256,
  eventList: z
    .array(
      z.object({
        eventId: str256.optional(),
        eventType: str256,
        eventValue: z.number().finite().optional(),
        itemId: str256.optional(),
        properties: z.string().min(1).max(1024).optional(),
        sentAt: timestamp,
        recommendationId: z.string().min(1).max(40).optional(),
        impression: z.array(str256).min(1).max(25).optional(),
        metricAttribution: z
          .object({
            eventAttributionSource: z
              .string()
              .max(1024)
              .regex(/^[\x20-\x7E]*[\x21-\x7E]+[\x20-\x7E]*$/),
          })
          .optional(),
      }),
    )
    .min(1)
    .max(10),
});

export const putItemsInput = z.object({
  datasetArn: arn,
  items: z
    .array(z.object({ itemId: str256, properties: z.string().min(1).max(32_000).optional() }))
    .min(1)
    .max(10),
});

export const putUsersInput = z.object({
  datasetArn: arn,
  users: z
    .array(z.object({ userId: str256, properties: z.string().min(1).max(24_000).optional() }))
    .min(1)
    .max(10),
});

export const getRecommendationsInput = z.object({
  campaignArn: arn.optional(),
  recommenderArn: arn.optional(),
  itemId: str256.optional(),
  userId: str256.optional(),
  numResults: numResults.optional(),
  context: context.optional(),
  filterArn: arn.optional(),
  filterValues: filterValues.optional(),
  promotions: z.array(z.looseObject({})).max(1).optional(),
  metadataColumns: metadataColumns.optional(),
});

export const getPersonalizedRankingInput = z.object({
  campaignArn: arn,
  inputList: z.array(z.string().min(1).max(256)).min(1).max(500),
  userId: z.string().min(1).max(256),
  context: context.optional(),
  filterArn: arn.optional(),
  filterValues: filterValues.optional(),
  metadataColumns: metadataColumns.optional(),
});

/** `GET /recommendations/{userId}?num=&filter=&domain=&solution=` */
export const recommendationsQuery = z.object({
  userId: str256,
  num: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1).max(500))
    .default(10),
  filter: z.string().min(1).max(256).optional(),
  domain: z.string().min(1).max(256).optional(),
  solution: z.string().min(1).max(256).optional(),
});

/** Parses `input` with `schema`, or throws 400 InvalidInputException naming each offending member. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, operation: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || 'request'}: ${i.message}`);
  throw invalidInput(`${operation}: ${issues.join('; ')}.`);
}
