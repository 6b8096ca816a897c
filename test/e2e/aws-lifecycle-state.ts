// What the lifecycle test's accounts and cluster hold, read through the AWS SDK and kafkajs directly (never through
// mesh's adapters), every list paginated (real accounts hold more than a page). The same reads on moto and on AWS.
import { DynamoDBClient, paginateListTables } from '@aws-sdk/client-dynamodb';
import { GlueClient, paginateGetDatabases, paginateListRegistries } from '@aws-sdk/client-glue';
import { GetRoleCommand, IAMClient, paginateListRoles } from '@aws-sdk/client-iam';
import { GetClusterPolicyCommand, KafkaClient } from '@aws-sdk/client-kafka';
import {
  GetDataLakeSettingsCommand,
  LakeFormationClient,
  paginateListLFTags,
  paginateListPermissions,
  paginateListResources,
} from '@aws-sdk/client-lakeformation';
import {
  type EventSourceMappingConfiguration,
  GetFunctionCommand,
  LambdaClient,
  paginateListEventSourceMappings,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { LifecycleEnvironment } from './aws-lifecycle-environment.js';
import type { LifecycleWorkspace } from './aws-lifecycle-workspace.js';

interface Destroyable {
  destroy(): void;
}
const NOT_FOUND = ['NoSuchEntityException', 'NoSuchEntity', 'EntityNotFoundException', 'ResourceNotFoundException', 'NotFoundException'];
const absent = (error: unknown) => {
  if (NOT_FOUND.includes((error as { name?: string }).name ?? '')) return undefined;
  throw error;
};

/** A client of `ctor` acting in `account`, destroyed after `use`. */
async function using<C extends Destroyable, T>(
  env: LifecycleEnvironment,
  ctor: new (config: never) => C,
  account: string,
  use: (client: C) => Promise<T>,
): Promise<T> {
  const client = new ctor((await env.clientConfig(account)) as never);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

export interface AccountState {
  readonly databases: string[];
  /** Role names, without AWS service-linked roles (AWS makes those, and they outlive any workspace). */
  readonly roles: string[];
  readonly functions: string[];
  /** `<function> <topics> <consumer group>` of each event source mapping. */
  readonly mappings: string[];
  /** Lake Formation grants that name something this run makes (a real account holds others'). */
  readonly grants: string[];
}

export interface MeshState {
  readonly accounts: Record<string, AccountState>;
  readonly central: {
    /** Registered locations in the run's buckets. */
    readonly locations: string[];
    /** mesh's LF-Tag keys with their values. */
    readonly lfTags: string[];
    readonly registries: string[];
    readonly tables: string[];
    /** mesh's statements (Sid Mesh…) in the cluster policy. */
    readonly clusterPolicy: string[];
  };
  /** mesh's statements (Sid MeshLfDataAccess…) in each producer bucket's policy. */
  readonly bucketPolicies: Record<string, string[]>;
  readonly topics: string[];
}

const describeGrant = (p: {
  Principal?: { DataLakePrincipalIdentifier?: string };
  Resource?: object;
  Permissions?: string[];
  PermissionsWithGrantOption?: string[];
}) =>
  `${p.Principal?.DataLakePrincipalIdentifier} | ${JSON.stringify(p.Resource)} | ${[...(p.Permissions ?? [])].sort().join(',')} | ${[...(p.PermissionsWithGrantOption ?? [])].sort().join(',')}`;

async function accountState(env: LifecycleEnvironment, ws: LifecycleWorkspace, account: string): Promise<AccountState> {
  const databases = await using(env, GlueClient, account, (glue) =>
    collect(paginateGetDatabases({ client: glue }, {}), (p) => p.DatabaseList?.map((d) => d.Name ?? '')),
  );
  const roles = await using(env, IAMClient, account, (iam) =>
    collect(paginateListRoles({ client: iam }, {}), (p) =>
      p.Roles?.filter((r) => !r.Path?.startsWith('/aws-service-role/')).map((r) => r.RoleName ?? ''),
    ),
  );
  const { functions, mappings } = await using(env, LambdaClient, account, async (lambda) => ({
    functions: await collect(paginateListFunctions({ client: lambda }, {}), (p) => p.Functions?.map((f) => f.FunctionName ?? '')),
    mappings: await collect(paginateListEventSourceMappings({ client: lambda }, {}), (p) =>
      p.EventSourceMappings?.map(
        (m) =>
          `${m.FunctionArn?.split(':').pop()} ${(m.Topics ?? []).join(',')} ${m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? ''}`,
      ),
    ),
  }));
  const grants = await using(env, LakeFormationClient, account, (lf) =>
    collect(paginateListPermissions({ client: lf }, {}), (p) => p.PrincipalResourcePermissions?.map(describeGrant)).catch(notAdminYet),
  );
  return {
    databases: databases.sort(),
    roles: roles.sort(),
    functions: functions.sort(),
    mappings: mappings.sort(),
    grants: grants.filter((g) => ws.markers.some((m) => g.includes(m))).sort(),
  };
}

/**
 * Lake Formation lists only to its admins. Before bootstrap the principal may not be one yet (a real account), and
 * nothing of this run can exist then; afterwards it is one.
 */
const notAdminYet = (error: { name?: string }): string[] => {
  if (error.name === 'AccessDeniedException') return [];
  throw error;
};
/** The LF-Tag keys mesh's bootstrap makes (a real account may hold others). */
const MESH_TAG_KEYS = ['classification', 'domain', 'product'];

/** Sids of a policy document's statements that start with `prefix`. */
function sids(policy: string | undefined, prefix: string): string[] {
  const doc = JSON.parse(policy || '{}') as { Statement?: { Sid?: string }[] };
  return (doc.Statement ?? []).flatMap((s) => (s.Sid?.startsWith(prefix) ? [s.Sid] : [])).sort();
}

export async function topicsWithPrefix(env: LifecycleEnvironment, prefix: string): Promise<string[]> {
  const admin = (await env.kafka()).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`)).sort();
  } finally {
    await admin.disconnect();
  }
}

/** Everything mesh could have made in the run's accounts and on its cluster. */
export async function readState(env: LifecycleEnvironment, ws: LifecycleWorkspace): Promise<MeshState> {
  const central = env.accounts.central;
  const accounts: Record<string, AccountState> = {};
  for (const account of [...new Set(Object.values(env.accounts))].sort()) accounts[account] = await accountState(env, ws, account);
  const lf = await using(env, LakeFormationClient, central, async (client) => ({
    locations: (
      await collect(paginateListResources({ client }, {}), (p) => p.ResourceInfoList?.map((r) => `${r.ResourceArn} as ${r.RoleArn}`)).catch(
        notAdminYet,
      )
    ).filter((l) => ws.buckets.some((b) => l.startsWith(`arn:aws:s3:::${b.bucket}`))),
    lfTags: await collect(paginateListLFTags({ client }, {}), (p) =>
      p.LFTags?.filter((t) => MESH_TAG_KEYS.includes(t.TagKey ?? '')).map((t) => `${t.TagKey}=${[...(t.TagValues ?? [])].sort()}`),
    ).catch(notAdminYet),
  }));
  const registries = await using(env, GlueClient, central, (glue) =>
    collect(paginateListRegistries({ client: glue }, {}), (p) => p.Registries?.map((r) => r.RegistryName ?? '')),
  );
  const tables = await using(env, DynamoDBClient, central, (db) => collect(paginateListTables({ client: db }, {}), (p) => p.TableNames));
  const clusterAccount = env.clusterArn.split(':')[4] ?? '';
  const clusterPolicy = await using(env, KafkaClient, clusterAccount, async (kafka) =>
    sids((await kafka.send(new GetClusterPolicyCommand({ ClusterArn: env.clusterArn })).catch(absent))?.Policy, 'Mesh'),
  );
  const bucketPolicies: Record<string, string[]> = {};
  for (const { account, bucket } of ws.buckets) {
    bucketPolicies[bucket] = await using(env, S3Client, account, async (s3) => {
      const out = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
        if (error.name === 'NoSuchBucketPolicy' || error.name === 'NoSuchBucket') return undefined;
        throw error;
      });
      return sids(out?.Policy, 'MeshLfDataAccess');
    });
  }
  return {
    accounts,
    central: {
      locations: lf.locations.sort(),
      lfTags: lf.lfTags.sort(),
      registries: registries.sort(),
      tables: tables.sort(),
      clusterPolicy,
    },
    bucketPolicies,
    topics: await topicsWithPrefix(env, ws.topicPrefix),
  };
}

/** What `after` holds that `before` did not (per list; empty lists left out): what a step made. */
export function added(before: MeshState, after: MeshState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const diff = (key: string, a: readonly string[] = [], b: readonly string[] = []) => {
    const extra = b.filter((x) => !a.includes(x));
    if (extra.length > 0) out[key] = extra;
  };
  for (const [account, state] of Object.entries(after.accounts)) {
    for (const [k, list] of Object.entries(state)) diff(`${account}.${k}`, before.accounts[account]?.[k as keyof AccountState], list);
  }
  for (const [k, list] of Object.entries(after.central)) diff(`central.${k}`, before.central[k as keyof MeshState['central']], list);
  for (const [bucket, list] of Object.entries(after.bucketPolicies)) diff(`bucket ${bucket}`, before.bucketPolicies[bucket], list);
  diff('topics', before.topics, after.topics);
  return out;
}

export async function lakeFormationSettings(env: LifecycleEnvironment) {
  return using(env, LakeFormationClient, env.accounts.central, async (lf) => {
    const s = (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings ?? {};
    return {
      crossAccountVersion: Number(s.Parameters?.CROSS_ACCOUNT_VERSION ?? '1'),
      admins: (s.DataLakeAdmins ?? []).map((a) => a.DataLakePrincipalIdentifier ?? ''),
    };
  });
}

/** The principals a role trusts, or undefined when there is no such role. */
export async function roleTrust(env: LifecycleEnvironment, account: string, name: string): Promise<unknown[] | undefined> {
  return using(env, IAMClient, account, async (iam) => {
    const role = (await iam.send(new GetRoleCommand({ RoleName: name })).catch(absent))?.Role;
    if (!role) return undefined;
    const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? '{}')) as { Statement: { Principal: unknown }[] };
    return trust.Statement.map((s) => s.Principal);
  });
}

/** A function's code hash and its event source mappings (GetFunction + the mappings listed for it). */
export async function functionOf(
  env: LifecycleEnvironment,
  account: string,
  name: string,
): Promise<{ codeSha256: string; mappings: EventSourceMappingConfiguration[] }> {
  return using(env, LambdaClient, account, async (lambda) => {
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const mappings = await collect(
      paginateListEventSourceMappings({ client: lambda }, { FunctionName: name }),
      (p) => p.EventSourceMappings,
    );
    return { codeSha256: fn.Configuration?.CodeSha256 ?? '', mappings };
  });
}

/** Per partition of `topic`: the group's committed offset and the end (high watermark). */
export async function groupProgress(env: LifecycleEnvironment, group: string, topic: string) {
  const admin = (await env.kafka()).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const at = (p: number) => Number(committed?.partitions.find((x) => x.partition === p)?.offset ?? '-1');
    return ends
      .map((e) => ({ partition: e.partition, committed: Math.max(at(e.partition), 0), end: Number(e.high) }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
