import * as z from 'zod';
import { nameSchema, relativePathSchema } from './schema-common.js';

/**
 * The part of the Open Data Contract Standard (ODCS, Bitol) v3.0.x that mesh reads. Every other standard field is
 * accepted (so the contract stays a valid ODCS document for datacontract-cli); fields outside the standard are errors,
 * as in ODCS itself. mesh's own settings live in `customProperties`.
 */
const anyList = z.array(z.unknown());

export const customPropertySchema = z.strictObject({
  property: z.string().min(1),
  value: z.unknown(),
});

const customPropertiesSchema = z.array(customPropertySchema);

const descriptionSchema = z.strictObject({
  purpose: z.string().optional(),
  usage: z.string().optional(),
  limitations: z.string().optional(),
  authoritativeDefinitions: anyList.optional(),
  customProperties: customPropertiesSchema.optional(),
});

export const LOGICAL_TYPES = ['string', 'date', 'number', 'integer', 'object', 'array', 'boolean'] as const;

const propertySchema = z.strictObject({
  name: z.string().min(1),
  logicalType: z.enum(LOGICAL_TYPES).optional(),
  logicalTypeOptions: z.record(z.string(), z.unknown()).optional(),
  physicalType: z
    .string()
    .min(1)
    .optional()
    .describe('Glue type: string, int, bigint, double, float, boolean, timestamp, date, decimal(p,s)'),
  description: z.string().optional(),
  businessName: z.string().optional(),
  required: z.boolean().optional(),
  unique: z.boolean().optional(),
  primaryKey: z.boolean().optional(),
  primaryKeyPosition: z.int().optional(),
  partitioned: z.boolean().optional(),
  partitionKeyPosition: z.int().optional(),
  classification: z.string().optional(),
  encryptedName: z.string().optional(),
  transformSourceObjects: z.array(z.string()).optional(),
  transformLogic: z.string().optional(),
  transformDescription: z.string().optional(),
  examples: anyList.optional(),
  criticalDataElement: z.boolean().optional(),
  quality: anyList.optional(),
  authoritativeDefinitions: anyList.optional(),
  tags: z.array(z.string()).optional(),
  customProperties: customPropertiesSchema.optional().describe('mesh reads {property: pii, value: true}'),
  items: z.unknown().optional(),
  properties: anyList.optional(),
});

const schemaObjectSchema = z.strictObject({
  name: z.string().min(1),
  physicalName: z.string().min(1).optional().describe('the table name in the catalog'),
  physicalType: z.string().optional(),
  logicalType: z.literal('object').optional(),
  description: z.string().optional(),
  businessName: z.string().optional(),
  dataGranularityDescription: z.string().optional(),
  authoritativeDefinitions: anyList.optional(),
  tags: z.array(z.string()).optional(),
  customProperties: customPropertiesSchema.optional(),
  quality: anyList.optional(),
  properties: z.array(propertySchema).min(1),
});

const serverSchema = z.strictObject({
  server: z.string().min(1),
  type: z.enum(['s3', 'local']).describe('s3 (location s3://bucket/prefix/) or local (path)'),
  description: z.string().optional(),
  environment: z.string().optional(),
  location: z.string().optional().describe('s3://bucket/prefix/'),
  path: z.string().optional().describe('local folder, relative to the contract'),
  format: z.enum(['parquet', 'csv', 'json']).optional(),
  delimiter: z.enum(['new_line', 'array']).optional(),
  endpointUrl: z.string().optional(),
  roles: anyList.optional(),
  customProperties: customPropertiesSchema.optional(),
});

const teamMemberSchema = z.strictObject({
  username: z.string().optional(),
  role: z.string().optional(),
  dateIn: z.string().optional(),
  dateOut: z.string().optional(),
  replacedByUsername: z.string().optional(),
});

export const productContractSchema = z
  .strictObject({
    apiVersion: z.enum(['v3.0.0', 'v3.0.1', 'v3.0.2']),
    kind: z.literal('DataContract'),
    id: z.string().min(1).describe('urn:mesh:<mesh>:<domain>:<name>'),
    name: nameSchema,
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+([-+][\w.-]+)?$/)
      .describe('semantic version, e.g. 1.0.0'),
    status: z.string().min(1),
    tenant: z.string().optional(),
    tags: z.array(z.string()).optional(),
    domain: z.string().min(1).describe('the owning domain'),
    dataProduct: z.string().optional(),
    description: descriptionSchema.optional(),
    schema: z.array(schemaObjectSchema),
    servers: z.array(serverSchema).optional().describe('the table port: one server with location and format'),
    support: anyList.optional(),
    price: z.record(z.string(), z.unknown()).optional(),
    team: z.array(teamMemberSchema).optional(),
    roles: anyList.optional(),
    slaDefaultElement: z.string().optional(),
    slaProperties: anyList.optional(),
    authoritativeDefinitions: anyList.optional(),
    customProperties: customPropertiesSchema
      .optional()
      .describe('mesh settings: classification, accessPolicy, allowedDomains, streamPort, sampleData, ownerTeam, bucket'),
    contractCreatedTs: z.string().optional(),
  })
  .describe('a data product contract, Open Data Contract Standard v3.0.2');

export type ProductContract = z.infer<typeof productContractSchema>;
export type ContractProperty = z.infer<typeof propertySchema>;

// ---- mesh's settings inside customProperties ------------------------------------------------------------------

export const STREAM_DEFAULTS = {
  major: 1,
  partitions: 3,
  replicationFactor: 3,
  retentionHours: 168,
  compatibility: 'BACKWARD',
  encoding: 'avro',
} as const;

export const COMPATIBILITY_MODES = ['NONE', 'DISABLED', 'BACKWARD', 'BACKWARD_ALL', 'FORWARD', 'FORWARD_ALL', 'FULL', 'FULL_ALL'] as const;

export const streamPortSchema = z
  .strictObject({
    entity: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,100}$/)
      .describe('entity part of the topic name, e.g. listens'),
    major: z.int().min(0).optional().meta({ default: STREAM_DEFAULTS.major }),
    topic: z.string().optional().describe('explicit topic name; must match the mesh topic pattern'),
    partitions: z.int().min(1).max(10000).optional().meta({ default: STREAM_DEFAULTS.partitions }),
    replicationFactor: z.int().min(1).max(10).optional().meta({ default: STREAM_DEFAULTS.replicationFactor }),
    retentionHours: z.int().min(-1).optional().meta({ default: STREAM_DEFAULTS.retentionHours }).describe('-1 keeps events forever'),
    keyField: z.string().min(1).describe('event field used as the Kafka key'),
    eventId: z
      .string()
      .min(1)
      .optional()
      .describe('event field with a unique event id: `events produce` stores each id once (default: a hash of the line)'),
    eventSchema: relativePathSchema.describe('Avro schema (.avsc), relative to the contract'),
    compatibility: z.enum(COMPATIBILITY_MODES).optional().meta({ default: STREAM_DEFAULTS.compatibility }),
    encoding: z.enum(['avro', 'json']).optional().meta({ default: STREAM_DEFAULTS.encoding }),
    configs: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('extra topic configs'),
  })
  .describe('the stream port');

export const ACCESS_POLICIES = ['open', 'approval', 'restricted'] as const;

/**
 * A classification is the value of the `classification` LF-Tag on aws: Lake Formation's LFTagValue pattern (letters,
 * digits, spaces and `_ . : / = + - @ %`, at most 256), without its `*`, which an LF-Tag expression reads as any value.
 */
export const CLASSIFICATION_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]{1,256}$/u;

/** Custom properties mesh reads, with the schema of their value. */
export const PRODUCT_CUSTOM_PROPERTIES = {
  classification: z
    .string()
    .regex(CLASSIFICATION_PATTERN, 'a classification: letters, digits, spaces and _ . : / = + - @ %, at most 256 characters')
    .describe('e.g. public, internal, confidential, restricted; the value of the classification LF-Tag on aws'),
  accessPolicy: z
    .enum(ACCESS_POLICIES)
    .describe(
      'open: any domain may subscribe; approval: the producer approves each consumer; restricted: approval, and only allowedDomains may request (default by classification: public/internal open, confidential approval, restricted/secret restricted)',
    ),
  allowedDomains: z.array(z.string().min(1)).describe('restricted: the domains that may request access'),
  streamPort: streamPortSchema,
  sampleData: relativePathSchema,
  ownerTeam: z.string().min(1),
  bucket: z
    .strictObject({
      managed: z.boolean().describe('true: mesh bootstrap creates the bucket of the s3 server location in the domain account'),
      kmsKey: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]{1,32}:\d{12}:key\/[A-Za-z0-9-]{1,64}$/,
          'a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key-id>',
        )
        .optional()
        .describe('default encryption with this KMS key (aws:kms); absent: SSE-S3 (AES256)'),
    })
    .describe(
      "mesh bootstrap manages the server location's bucket: public access blocked, default encryption, versioning, tagged as mesh's",
    ),
} as const;

export const COLUMN_CUSTOM_PROPERTIES = {
  pii: z.boolean(),
} as const;

/** The JSON Schema editors get: the contract, with mesh's custom properties spelled out. */
export function productEditorSchema(): z.ZodType {
  const known = Object.entries(PRODUCT_CUSTOM_PROPERTIES).map(([property, value]) =>
    z.strictObject({ property: z.literal(property), value }),
  );
  const names = Object.keys(PRODUCT_CUSTOM_PROPERTIES).join('|');
  const other = z.strictObject({ property: z.string().regex(new RegExp(`^(?!(${names})$)`)), value: z.unknown() });
  const editorCustomProperties = z.array(z.union([...known, other]));
  return productContractSchema.extend({ customProperties: editorCustomProperties.optional() });
}
