// What the moto accounts and the real Kafka broker hold after the example ran on aws, read with each account's own
// credentials: Lambda functions with their roles and mappings, Glue Schema Registry schemas, topics. (Glue tables,
// Lake Formation grants and LF-Tags are read with test/catalog/moto-accounts.ts.)
import { GetSchemaCommand, GetSchemaVersionCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  type GetFunctionCommandOutput,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { testKafka } from '../support/kafka.js';
import { accountClients } from '../support/moto.js';

export interface FunctionState {
  readonly fn: GetFunctionCommandOutput;
  readonly trust: unknown;
  readonly inlinePolicies: Record<string, { Statement: unknown[] }>;
  readonly attachedPolicies: string[];
  readonly mappings: EventSourceMappingConfiguration[];
}

/** Every Lambda function in an account, with its execution role's policies and its mappings (by GetEventSourceMapping). */
export async function functionsIn(account: string): Promise<Record<string, FunctionState>> {
  const config = await accountClients(account);
  const lambda = new LambdaClient(config);
  const iam = new IAMClient(config);
  try {
    const names = ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName ?? '');
    const out: Record<string, FunctionState> = {};
    for (const name of names.sort()) {
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      const roleName = fn.Configuration?.Role?.split('/').pop() ?? '';
      const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
      const policyNames = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
      const inlinePolicies: FunctionState['inlinePolicies'] = {};
      for (const policyName of policyNames) {
        const doc = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        inlinePolicies[policyName] = JSON.parse(decodeURIComponent(doc.PolicyDocument ?? '{}'));
      }
      const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? [];
      const listed = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }))).EventSourceMappings ?? [];
      const mappings: EventSourceMappingConfiguration[] = [];
      for (const m of listed) mappings.push(await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID })));
      out[name] = {
        fn,
        trust: JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}')),
        inlinePolicies,
        attachedPolicies: attached.map((p) => p.PolicyArn ?? ''),
        mappings: mappings.sort((a, b) => (a.Topics?.[0] ?? '').localeCompare(b.Topics?.[0] ?? '')),
      };
    }
    return out;
  } finally {
    lambda.destroy();
    iam.destroy();
  }
}

/** A registry schema, its latest version and that version's definition (parsed). */
export async function registrySchema(account: string, registry: string, name: string) {
  const glue = new GlueClient(await accountClients(account));
  try {
    const SchemaId = { RegistryName: registry, SchemaName: name };
    const schema = await glue.send(new GetSchemaCommand({ SchemaId }));
    const latest = await glue.send(new GetSchemaVersionCommand({ SchemaId, SchemaVersionNumber: { LatestVersion: true } }));
    return {
      dataFormat: schema.DataFormat,
      compatibility: schema.Compatibility,
      latestVersion: schema.LatestSchemaVersion,
      status: latest.Status,
      definition: JSON.parse(latest.SchemaDefinition ?? 'null') as unknown,
    };
  } finally {
    glue.destroy();
  }
}

export interface TopicState {
  readonly partitions: number;
  readonly replicas: number[];
  readonly configs: Record<string, string | undefined>;
}

/** Topics on the broker whose names start with `prefix`: partition count, replicas per partition, two configs. */
export async function topicsWithPrefix(prefix: string): Promise<Record<string, TopicState>> {
  const admin = testKafka('mesh-e2e-read').admin();
  await admin.connect();
  try {
    const names = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`)).sort();
    if (names.length === 0) return {};
    const meta = await admin.fetchTopicMetadata({ topics: names });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: 2, name, configNames: ['retention.ms', 'cleanup.policy'] })),
    });
    return Object.fromEntries(
      names.map((name) => {
        const t = meta.topics.find((x) => x.name === name);
        const c = configs.resources.find((r) => r.resourceName === name);
        return [
          name,
          {
            partitions: t?.partitions.length ?? 0,
            replicas: (t?.partitions ?? []).map((p) => p.replicas.length),
            configs: Object.fromEntries((c?.configEntries ?? []).map((e) => [e.configName, e.configValue])),
          },
        ];
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

export async function objectKeys(account: string, bucket: string): Promise<string[]> {
  const s3 = new S3Client(await accountClients(account));
  try {
    return ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key ?? '').sort();
  } finally {
    s3.destroy();
  }
}

export async function objectText(account: string, bucket: string, key: string): Promise<string> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client(await accountClients(account));
  try {
    return (await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? '';
  } finally {
    s3.destroy();
  }
}
