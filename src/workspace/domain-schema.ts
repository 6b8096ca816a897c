import * as z from 'zod';
import { accountSchema, functionNameSchema, nameSchema, regionSchema, relativePathSchema } from './schema-common.js';

/** Defaults applied when a domain file leaves a field out. */
export const DOMAIN_DEFAULTS = {
  products: ['products/*.odcs.yaml'],
  handler: 'index.handler',
  startingPosition: 'LATEST',
  batchSize: 100,
  batchingWindowSeconds: 1,
  maximumRetryAttempts: 3,
  transformEngine: 'athena',
} as const;

const streamSubscriptionSchema = z
  .strictObject({
    function: functionNameSchema,
    handlerDir: relativePathSchema.optional().describe('folder with the handler code (default handlers/<function>)'),
    handler: z
      .string()
      .regex(/^[\w./-]+\.[A-Za-z_$][\w$]*$/)
      .optional()
      .meta({ default: DOMAIN_DEFAULTS.handler })
      .describe('module.export, e.g. index.handler'),
    startingPosition: z.enum(['LATEST', 'TRIM_HORIZON']).optional().meta({ default: DOMAIN_DEFAULTS.startingPosition }),
    batchSize: z.int().min(1).max(10000).optional().meta({ default: DOMAIN_DEFAULTS.batchSize }),
    batchingWindowSeconds: z.int().min(0).max(300).optional().meta({ default: DOMAIN_DEFAULTS.batchingWindowSeconds }),
    // Every mapping has a Kafka dead-letter destination, and with one Lambda caps retries at 10.
    maximumRetryAttempts: z
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe(
        'retries of a failing batch before it goes to the dead-letter topic (0-10: Lambda caps retries at 10 with an on-failure destination)',
      )
      .meta({ default: DOMAIN_DEFAULTS.maximumRetryAttempts }),
    deadLetterTopic: z.string().min(1).optional().describe('Kafka topic for records that keep failing (default <topic>.dlq.<domain>)'),
    permissions: z
      .array(
        z.strictObject({
          actions: z.array(z.string().min(1)).min(1),
          resources: z.array(z.string().min(1)).min(1),
        }),
      )
      .optional()
      .describe('extra IAM statements the function needs'),
    environment: z.record(z.string(), z.string()).optional(),
  })
  .describe('a function that receives the product events');

const isoDate = z.iso.date('a date, YYYY-MM-DD');

const accessRequestSchema = z
  .strictObject({
    purpose: z.string().min(1).optional().describe('why the consumer needs the data'),
    until: isoDate.optional().describe('last day of access asked for, YYYY-MM-DD'),
    requested: isoDate.optional().describe('when it was requested, YYYY-MM-DD'),
    by: z.string().min(1).optional().describe('who requested it'),
  })
  .describe('an access request (mesh access request): the producer approves it in its own domain file');

const accessDecisionSchema = z.strictObject({
  consumer: nameSchema.describe('the consumer domain'),
  product: z.string().min(1),
  by: z.string().min(1).describe('who decided (git user or --by)'),
  date: isoDate.describe('when, YYYY-MM-DD'),
  until: isoDate.optional().describe('approvals: last day of access, YYYY-MM-DD'),
  columns: z.array(z.string().min(1)).min(1).optional().describe('approvals: the approved columns'),
  reason: z.string().min(1).optional().describe('denials: why'),
});

const subscriptionSchema = z.strictObject({
  product: z.string().min(1),
  table: z
    .union([z.boolean(), z.strictObject({ columns: z.array(z.string().min(1)).min(1) })])
    .optional()
    .describe('true for the whole table, or the columns to grant'),
  stream: streamSubscriptionSchema.optional(),
  request: accessRequestSchema.optional(),
});

const transformSchema = z.strictObject({
  name: nameSchema,
  sql: relativePathSchema.describe('SQL file over subscribed products, relative to the domain folder'),
  output: relativePathSchema.describe('where the result goes, relative to the domain folder, e.g. datasets/items.csv'),
  engine: z.enum(['glue', 'athena']).optional().meta({ default: DOMAIN_DEFAULTS.transformEngine }),
});

export const domainFileSchema = z
  .strictObject({
    name: nameSchema,
    kind: z.enum(['producer', 'consumer', 'both']),
    owner: z
      .strictObject({
        team: z.string().optional(),
        contact: z.string().optional(),
      })
      .optional(),
    description: z.string().optional(),
    account: accountSchema,
    region: regionSchema.optional().describe('default: the central catalog region'),
    profile: z.string().min(1).optional(),
    roleArn: z.string().optional(),
    roleName: z.string().min(1).max(64).optional().describe('the domain role mesh grants to (default mesh-<domain>)'),
    trustedPrincipals: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]{1,512}|user\/[\w+=,.@/-]{1,512})$/,
            'an IAM principal ARN: arn:aws:iam::<account>:role/<name>, …:user/<name> or …:root',
          ),
      )
      .min(1)
      .optional()
      .describe(
        'aws: who may assume the domain role mesh bootstrap creates (the team SSO role, a CI role); default: the domain account itself',
      ),
    storage: z
      .strictObject({
        kind: z.enum(['relational', 'key-value', 'event-files']),
        source: z.string().optional(),
      })
      .optional(),
    locations: z
      .array(
        z
          .string()
          .regex(
            /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/,
            'an S3 bucket or prefix: s3://<bucket>/ or s3://<bucket>/<prefix>/ (lowercase bucket name)',
          ),
      )
      .optional()
      .describe(
        "S3 buckets or bucket prefixes this domain's products may use, e.g. s3://music-songs-333333333333/products/; no two domains may overlap",
      ),
    products: z
      .array(relativePathSchema)
      .optional()
      .meta({ default: [...DOMAIN_DEFAULTS.products] })
      .describe('product contract files (ODCS v3); * matches within one folder'),
    subscriptions: z.array(subscriptionSchema).optional(),
    approvals: z
      .array(accessDecisionSchema)
      .optional()
      .describe("producer: access approved on this domain's products (mesh access approve)"),
    denials: z
      .array(accessDecisionSchema)
      .optional()
      .describe("producer: access requests denied or revoked on this domain's products (mesh access deny/revoke)"),
    transforms: z.array(transformSchema).optional(),
    personalize: relativePathSchema.optional().describe('Personalize project file, relative to the domain folder'),
    firehoseStream: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{1,64}$/)
      .optional(),
    streamAccess: z
      .strictObject({
        vpcConnectionArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:vpc-connection\/\d{12}\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/,
            'a managed VPC connection ARN: arn:aws:kafka:<region>:<this account>:vpc-connection/<cluster account>/<cluster name>/<id>',
          ),
      })
      .optional()
      .describe(
        "aws: how this domain's functions reach an MSK cluster in another account (MSK multi-VPC private connectivity); mesh grants them on the cluster policy",
      ),
  })
  .describe('domain.yaml: one producer or consumer domain');

export type DomainFile = z.infer<typeof domainFileSchema>;
export type AccessDecisionEntry = z.infer<typeof accessDecisionSchema>;
