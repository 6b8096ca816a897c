/**
 * Cross-account stream subscriptions on aws. When a consumer's functions live in another account than the MSK
 * cluster (the normal case: one account per domain, the cluster in the platform account), Lambda reaches the cluster
 * through a managed VPC connection in the consumer's account (MSK multi-VPC private connectivity), and the
 * cluster's resource policy must let the consumer's execution roles connect, read the topics and use their groups
 * (docs: Lambda "Cross-account Amazon MSK event source mappings"; MSK "cluster policies").
 *
 * mesh owns the statements whose Sid starts with `Mesh` in the cluster policy and leaves every other statement as
 * it is (read-modify-write with the policy's CurrentVersion).
 */
import type { KafkaClient } from '@aws-sdk/client-kafka';
import { fromAwsError, isAwsError } from '../../../aws/errors.js';
import { MeshError } from '../../../core/errors.js';
import type { Change, ResourceRef } from '../../../engine/plan.js';
import { createPlan } from '../../../engine/planner.js';
import type { Domain, Workspace } from '../../../workspace/model.js';
import { consumerGroupId } from '../../../workspace/naming.js';
import { executionRoleName, lambdaFunctionName, mskArns, roleArnOf } from '../function-naming.js';
import type { ResolvedStreamSubscription } from '../stream-subscriptions.js';

export interface ClusterPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly AWS: readonly string[] };
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface ClusterPolicySpec {
  readonly clusterArn: string;
  /** mesh's statements only, sorted by Sid. */
  readonly statements: readonly ClusterPolicyStatement[];
}

const MESH_SID = /^Mesh/;
const sorted = (values: readonly string[]) => [...new Set(values)].sort();
/** `interactions-handler` → `InteractionsHandler` (a Sid is alphanumeric). */
const sidOf = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.replace(/^./, (c) => c.toUpperCase()))
    .join('');

/** The account a cluster ARN lives in. */
export function clusterAccountOf(clusterArn: string): string {
  return clusterArn.split(':')[4] ?? '';
}

/** The ARN an event source mapping names: the cluster, or the domain's VPC connection when it is another account. */
export function eventSourceArnFor(domain: Domain, clusterArn: string): string {
  if (domain.access.account === clusterAccountOf(clusterArn)) return clusterArn;
  if (domain.mskVpcConnectionArn) return domain.mskVpcConnectionArn;
  throw new MeshError(
    'MskVpcConnectionMissing',
    `Domain ${domain.name} (account ${domain.access.account}) subscribes to streams on an MSK cluster in account ${clusterAccountOf(clusterArn)}; Lambda reaches a cluster in another account only through a managed VPC connection.`,
    {
      hint: `Create one in ${domain.name}'s account (aws kafka create-vpc-connection, MSK multi-VPC private connectivity), then set streamAccess.vpcConnectionArn in ${domain.file}. mesh adds the cluster policy statements.`,
      location: { file: domain.file },
    },
  );
}

/** mesh's statements for every cross-account stream subscription the workspace declares (pure). */
export function desiredClusterPolicy(
  workspace: Workspace,
  clusterArn: string,
  subs: readonly ResolvedStreamSubscription[],
): ClusterPolicySpec {
  const arns = mskArns(clusterArn);
  const byDomain = new Map<string, ResolvedStreamSubscription[]>();
  for (const s of subs) {
    if (s.domain.access.account === clusterAccountOf(clusterArn)) continue;
    byDomain.set(s.domain.name, [...(byDomain.get(s.domain.name) ?? []), s]);
  }
  const statements: ClusterPolicyStatement[] = [];
  for (const [domainName, list] of [...byDomain.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const domain = list[0]?.domain as Domain;
    const sid = `Mesh${sidOf(domainName)}`;
    // One execution role per function; a function may serve several subscriptions.
    const byRole = new Map<string, { fn: string; subs: ResolvedStreamSubscription[] }>();
    for (const s of list) {
      const role = roleArnOf(domain.access.account, executionRoleName(lambdaFunctionName(workspace.mesh, domain.name, s.stream.function)));
      const entry = byRole.get(role) ?? { fn: s.stream.function, subs: [] };
      entry.subs.push(s);
      byRole.set(role, entry);
    }
    const roles = sorted([...byRole.keys()]);
    statements.push(
      {
        Sid: `${sid}Cluster`,
        Effect: 'Allow',
        Principal: { AWS: roles },
        Action: sorted(['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeCluster', 'kafka:DescribeClusterV2']),
        Resource: [clusterArn],
      },
      {
        Sid: `${sid}Connect`,
        Effect: 'Allow',
        Principal: { AWS: roles },
        Action: sorted(['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration']),
        Resource: [clusterArn],
      },
    );
    // Least privilege per role: read its source topics, use its consumer groups, write only its dead-letter topics.
    for (const role of roles) {
      const { fn, subs } = byRole.get(role) as { fn: string; subs: ResolvedStreamSubscription[] };
      const principal = { AWS: [role] };
      statements.push(
        {
          Sid: `${sid}${sidOf(fn)}Read`,
          Effect: 'Allow',
          Principal: principal,
          Action: sorted(['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData']),
          Resource: sorted(subs.map((s) => arns.topic(s.port.topic))),
        },
        {
          Sid: `${sid}${sidOf(fn)}Groups`,
          Effect: 'Allow',
          Principal: principal,
          Action: sorted(['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup']),
          Resource: sorted(subs.map((s) => arns.group(consumerGroupId(workspace.mesh, domain.name, s.product.name)))),
        },
        {
          Sid: `${sid}${sidOf(fn)}DeadLetter`,
          Effect: 'Allow',
          Principal: principal,
          Action: sorted(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData']),
          Resource: sorted(subs.map((s) => arns.topic(s.stream.deadLetterTopic))),
        },
      );
    }
  }
  statements.sort((a, b) => (a.Sid < b.Sid ? -1 : a.Sid > b.Sid ? 1 : 0));
  return { clusterArn, statements };
}

interface StoredPolicy {
  readonly version?: string;
  readonly document: { Version?: string; Statement?: Record<string, unknown>[] };
}

async function readPolicy(kafka: KafkaClient, clusterArn: string): Promise<StoredPolicy> {
  const { GetClusterPolicyCommand } = await import('@aws-sdk/client-kafka');
  try {
    const r = await kafka.send(new GetClusterPolicyCommand({ ClusterArn: clusterArn }));
    return { version: r.CurrentVersion || undefined, document: r.Policy ? JSON.parse(r.Policy) : {} };
  } catch (error) {
    if (isAwsError(error, 'NotFoundException') && /polic/i.test((error as Error).message ?? '')) return { document: {} };
    throw fromAwsError(error, `read the cluster policy of ${clusterArn}`);
  }
}

const meshStatements = (p: StoredPolicy): ClusterPolicyStatement[] =>
  (p.document.Statement ?? [])
    .filter((s) => MESH_SID.test(String(s.Sid ?? '')))
    .map((s) => {
      const principal = (s.Principal as { AWS?: string | string[] } | undefined)?.AWS;
      const list = (v: unknown) => sorted(Array.isArray(v) ? (v as string[]) : v === undefined ? [] : [String(v)]);
      return {
        Sid: String(s.Sid),
        Effect: 'Allow' as const,
        Principal: { AWS: list(principal) },
        Action: list(s.Action),
        Resource: list(s.Resource),
      };
    })
    .sort((a, b) => (a.Sid < b.Sid ? -1 : 1));

export function clusterPolicyRef(clusterArn: string): ResourceRef<'msk-cluster-policy'> {
  return {
    plane: 'functions',
    type: 'msk-cluster-policy',
    id: clusterArn,
    label: `cluster policy of ${clusterArn.split('/').slice(-2, -1)[0] ?? clusterArn}`,
    account: clusterAccountOf(clusterArn),
  };
}

/** Plans the cluster policy's mesh statements (no change when no subscription crosses accounts and none exist). */
export async function planClusterPolicy(kafka: KafkaClient, desired: ClusterPolicySpec): Promise<Change<'msk-cluster-policy'>[]> {
  const current = await readPolicy(kafka, desired.clusterArn);
  const existing = meshStatements(current);
  if (desired.statements.length === 0 && existing.length === 0) return [];
  const ref = clusterPolicyRef(desired.clusterArn);
  return createPlan(
    [{ ref, spec: desired, isGrant: true }],
    current.version || existing.length > 0
      ? [{ ref, spec: { clusterArn: desired.clusterArn, statements: existing }, attributes: { currentVersion: current.version } }]
      : [],
  ).changes.map((c) =>
    // An unsubscribe only takes permissions away: shown as the revoke it is.
    c.action === 'grant' && c.before && onlyNarrows(c.before.statements, desired.statements)
      ? { ...c, action: 'revoke' as const, reason: 'statements of removed subscriptions' }
      : c,
  );
}

/** True when `next` allows nothing `current` does not: each of its statements lies within the one of the same Sid. */
function onlyNarrows(current: readonly ClusterPolicyStatement[], next: readonly ClusterPolicyStatement[]): boolean {
  const bySid = new Map(current.map((s) => [s.Sid, s]));
  const within = (a: readonly string[], b: readonly string[]) => a.every((v) => b.includes(v));
  return next.every((s) => {
    const c = bySid.get(s.Sid);
    return c !== undefined && within(s.Principal.AWS, c.Principal.AWS) && within(s.Action, c.Action) && within(s.Resource, c.Resource);
  });
}

/**
 * `mesh destroy`: a revoke of every mesh statement in the cluster policy (the domain files still declare the
 * subscriptions, so planClusterPolicy would keep them). No change when there is none.
 */
export async function planClusterPolicyRemoval(kafka: KafkaClient, clusterArn: string): Promise<Change<'msk-cluster-policy'>[]> {
  const current = await readPolicy(kafka, clusterArn);
  const existing = meshStatements(current);
  if (existing.length === 0) return [];
  const ref = clusterPolicyRef(clusterArn);
  return [
    {
      type: 'msk-cluster-policy',
      key: `${ref.type}:${ref.id}`,
      action: 'revoke',
      ref,
      reason: 'made by this workspace',
      before: { clusterArn, statements: existing },
      after: { clusterArn, statements: [] },
      dependsOn: [],
      attributes: { currentVersion: current.version },
    },
  ];
}

/** Writes mesh's statements into the cluster policy, keeping everyone else's; deletes the policy when none is left. */
export async function putClusterPolicy(kafka: KafkaClient, spec: ClusterPolicySpec): Promise<Record<string, unknown>> {
  const { PutClusterPolicyCommand, DeleteClusterPolicyCommand } = await import('@aws-sdk/client-kafka');
  const current = await readPolicy(kafka, spec.clusterArn);
  const others = (current.document.Statement ?? []).filter((s) => !MESH_SID.test(String(s.Sid ?? '')));
  const document = { Version: '2012-10-17', Statement: [...others, ...spec.statements] };
  if (document.Statement.length === 0) {
    // A policy with no statement is not a valid policy: remove it (it held only mesh's statements).
    if (!current.version && !current.document.Statement) return {};
    try {
      await kafka.send(new DeleteClusterPolicyCommand({ ClusterArn: spec.clusterArn }));
      return {};
    } catch (error) {
      if (isAwsError(error, 'NotFoundException')) return {};
      throw fromAwsError(error, `delete the cluster policy of ${spec.clusterArn}`);
    }
  }
  try {
    const r = await kafka.send(
      new PutClusterPolicyCommand({
        ClusterArn: spec.clusterArn,
        Policy: JSON.stringify(document),
        ...(current.version ? { CurrentVersion: current.version } : {}),
      }),
    );
    return { currentVersion: r.CurrentVersion };
  } catch (error) {
    throw fromAwsError(error, `update the cluster policy of ${spec.clusterArn}`);
  }
}
