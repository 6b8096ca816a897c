import * as z from 'zod';
import { accountSchema, nameSchema, regionSchema, relativePathSchema } from './schema-common.js';

/** Defaults applied when mesh.yaml leaves a field out. */
export const MESH_DEFAULTS = {
  target: 'local',
  dataAccessRoleName: 'MeshLfDataAccess',
  topicPattern: 'mesh.{domain}.{entity}.v{major}',
  databasePattern: '{mesh}_{domain}',
  linkDatabasePattern: 'mesh_{domain}',
  consumerGroupPattern: 'mesh.{consumer}.{product}',
  requiredOwnerFields: ['team', 'contact'] as const,
  localDir: '.mesh/local',
  artifactBucketPattern: '{mesh}-{domain}-{account}',
} as const;

const centralCatalogSchema = z
  .strictObject({
    account: accountSchema,
    region: regionSchema,
    profile: z.string().min(1).optional().describe('AWS profile for the central account'),
    roleArn: z.string().optional().describe('role to assume in the central account (instead of a profile)'),
    dataAccessRoleName: z
      .string()
      .min(1)
      .optional()
      .meta({ default: MESH_DEFAULTS.dataAccessRoleName })
      .describe('role Lake Formation uses to read registered producer locations'),
  })
  .describe('the central catalog account: owns the table entries and grants');

const streamingSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('embedded') }).describe('an embedded log in the workspace (local target)'),
    z.strictObject({
      kind: z.literal('kafka'),
      brokers: z.array(z.string().min(1)).min(1).describe('bootstrap brokers, host:port'),
    }),
    z.strictObject({
      kind: z.literal('msk'),
      clusterArn: z.string().describe('arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>'),
      brokers: z.array(z.string().min(1)).optional().describe('bootstrap brokers (IAM auth); looked up from the cluster when left out'),
    }),
  ])
  .describe('the streaming cluster');

const namingSchema = z
  .strictObject({
    topicPattern: z.string().min(1).optional().meta({ default: MESH_DEFAULTS.topicPattern }),
    databasePattern: z.string().min(1).optional().meta({ default: MESH_DEFAULTS.databasePattern }),
    linkDatabasePattern: z.string().min(1).optional().meta({ default: MESH_DEFAULTS.linkDatabasePattern }),
    consumerGroupPattern: z.string().min(1).optional().meta({ default: MESH_DEFAULTS.consumerGroupPattern }),
  })
  .describe('naming rules; placeholders {mesh} {domain} {entity} {major} {consumer} {product}');

const rulesSchema = z.strictObject({
  requiredOwnerFields: z
    .array(z.enum(['team', 'contact']))
    .optional()
    .meta({ default: [...MESH_DEFAULTS.requiredOwnerFields] }),
});

export const meshFileSchema = z
  .strictObject({
    apiVersion: z.literal('mesh/v1'),
    name: nameSchema,
    description: z.string().optional(),
    target: z.enum(['local', 'aws']).optional().meta({ default: MESH_DEFAULTS.target }),
    centralCatalog: centralCatalogSchema,
    streaming: streamingSchema.optional().meta({ default: { kind: 'embedded' } }),
    naming: namingSchema.optional(),
    rules: rulesSchema.optional(),
    schemaRegistry: z.string().min(1).max(255).optional().describe('Glue Schema Registry name (default: the mesh name)'),
    local: z.strictObject({ dir: relativePathSchema.optional().meta({ default: MESH_DEFAULTS.localDir }) }).optional(),
    aws: z
      .strictObject({
        artifactBucketPattern: z.string().min(1).optional().meta({ default: MESH_DEFAULTS.artifactBucketPattern }),
      })
      .optional(),
    domains: z.array(relativePathSchema).optional().describe('domain folders, each with a domain.yaml'),
    domainAccounts: z
      .record(nameSchema, accountSchema)
      .optional()
      .describe(
        "each domain's AWS account, assigned by the owners of mesh.yaml: a domain file's account must be its entry (AccountNotAssigned), so a team cannot name another team's account",
      ),
  })
  .describe('mesh.yaml: the mesh, its central catalog, streaming cluster, naming rules and domains');

export type MeshFile = z.infer<typeof meshFileSchema>;
