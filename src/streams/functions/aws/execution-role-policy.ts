/**
 * The execution role of a stream subscription's Lambda function holds only what it needs (pure, no I/O):
 *   - MSK data plane for the event source mapping (as AWSLambdaMSKExecutionRole + the IAM access-control actions):
 *     kafka-cluster:Connect and DescribeClusterDynamicConfiguration on the cluster; DescribeTopic and ReadData on the
 *     source topic; DescribeGroup and AlterGroup on the consumer group; kafka:DescribeClusterV2 on the cluster and
 *     kafka:GetBootstrapBrokers (which has no resource-level form, so "*")
 *   - the dead-letter topic: kafka-cluster:WriteData (+ DescribeTopic, which producing requires) on that topic only
 *   - CloudWatch Logs for the function's own log group
 *   - the EC2 network-interface actions Lambda's pollers use in the cluster's VPC: the Describe actions on "*" (they
 *     have no resource-level form), Create/DeleteNetworkInterface on the function's account and region
 *   - whatever the subscriptions declare in `permissions` (each distinct statement once)
 *
 * IAM limits a role's inline policies to 10,240 characters together (whitespace not counted). A function with many
 * subscriptions (100 lists ~300 MSK ARNs) would not fit, so, only when the exact document is too large, it is
 * compressed in two steps: (1) the cluster UUID in topic and group ARNs becomes `*` (the same cluster name in the same
 * account and region); (2) the function's consumer groups and its dead-letter topics become one pattern each (their
 * common prefix and suffix, e.g. `…/mesh.recommendations.*` and `…/mesh.*.v1.dlq.recommendations`: only this
 * consumer's own groups and dead letters). Source topics stay exact: reads are never widened. A document still too
 * large is refused (ExecutionPolicyTooLarge).
 */
import { MeshError } from '../../../core/errors.js';

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Who may assume the role: the Lambda service only. */
export const LAMBDA_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;

export interface ExecutionPolicyInput {
  readonly clusterArn: string;
  /** The source topics (a function may serve several subscriptions). */
  readonly topicArns: readonly string[];
  readonly groupArns: readonly string[];
  readonly deadLetterTopicArns: readonly string[];
  readonly functionName: string;
  /** Region and account of the function (its log group). */
  readonly region: string;
  readonly account: string;
  readonly permissions: readonly { readonly actions: readonly string[]; readonly resources: readonly string[] }[];
  /** The managed VPC connection, when the cluster is in another account (Lambda describes it to connect). */
  readonly vpcConnectionArn?: string;
}

const sorted = (values: readonly string[]) => [...new Set(values)].sort();

/** IAM's limit on the aggregate size of a role's inline policies (characters, whitespace not counted). */
export const INLINE_POLICY_LIMIT = 10_240;

/** The size IAM counts for a policy document: its JSON without whitespace. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).length;
}

/** The cluster UUID in a topic or group ARN replaced by a wildcard (`topic/<cluster>/<uuid>/<name>`). */
function withoutClusterUuid(arn: string): string {
  return arn.replace(/^(arn:[^:]+:kafka:[^:]*:[^:]*:(?:topic|group)\/[^/]+\/)[^/]+(\/.+)$/, '$1*$2');
}

/** One pattern covering all the ARNs: their common prefix, `*`, their common suffix (no overlap). */
function commonPattern(arns: readonly string[]): string[] {
  const list = sorted(arns);
  if (list.length < 2) return list;
  const first = list[0] as string;
  let prefix = first.length;
  let suffix = first.length;
  for (const arn of list.slice(1)) {
    let i = 0;
    while (i < prefix && i < arn.length && arn[i] === first[i]) i++;
    prefix = i;
    let j = 0;
    while (j < suffix && j < arn.length && arn[arn.length - 1 - j] === first[first.length - 1 - j]) j++;
    suffix = j;
  }
  const shortest = Math.min(...list.map((a) => a.length));
  suffix = Math.min(suffix, shortest - prefix);
  // Never widen beyond the resource name: the pattern must keep `…:topic/<cluster>/<uuid>/` (or group) whole.
  const head = first.slice(0, prefix);
  if (!/^arn:[^:]+:kafka:[^:]*:[^:]*:(topic|group)\/[^/]+\/[^/]+\//.test(head)) return list;
  return [`${head}*${first.slice(first.length - suffix)}`];
}

export function executionRolePolicy(input: ExecutionPolicyInput): PolicyDocument {
  const exact = buildPolicy(input);
  if (policySize(exact) <= INLINE_POLICY_LIMIT) return exact;
  const uuidFree: ExecutionPolicyInput = {
    ...input,
    topicArns: sorted(input.topicArns.map(withoutClusterUuid)),
    groupArns: sorted(input.groupArns.map(withoutClusterUuid)),
    deadLetterTopicArns: sorted(input.deadLetterTopicArns.map(withoutClusterUuid)),
  };
  const step1 = buildPolicy(uuidFree);
  if (policySize(step1) <= INLINE_POLICY_LIMIT) return step1;
  const step2 = buildPolicy({
    ...uuidFree,
    groupArns: commonPattern(uuidFree.groupArns),
    deadLetterTopicArns: commonPattern(uuidFree.deadLetterTopicArns),
  });
  if (policySize(step2) <= INLINE_POLICY_LIMIT) return step2;
  throw new MeshError(
    'ExecutionPolicyTooLarge',
    `The execution role policy of ${input.functionName} has ${policySize(step2)} characters, over IAM's ${INLINE_POLICY_LIMIT} for a role's inline policies (${sorted(input.topicArns).length} source topics).`,
    {
      hint: 'Split the subscriptions of this function across more functions (the `function` of each subscription in the domain file), or merge the declared permissions.',
    },
  );
}

function buildPolicy(input: ExecutionPolicyInput): PolicyDocument {
  const partition = input.clusterArn.split(':')[1] || 'aws';
  const logGroup = `arn:${partition}:logs:${input.region}:${input.account}:log-group:/aws/lambda/${input.functionName}`;
  const ec2 = `arn:${partition}:ec2:${input.region}:${input.account}`;
  const statements: PolicyStatement[] = [
    {
      Sid: 'MskConnect',
      Effect: 'Allow',
      Action: sorted(['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration']),
      Resource: [input.clusterArn],
    },
    {
      Sid: 'MskReadTopic',
      Effect: 'Allow',
      Action: sorted(['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData']),
      Resource: sorted(input.topicArns),
    },
    {
      Sid: 'MskConsumerGroup',
      Effect: 'Allow',
      Action: sorted(['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup']),
      Resource: sorted(input.groupArns),
    },
    {
      Sid: 'MskDeadLetterTopic',
      Effect: 'Allow',
      Action: sorted(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData']),
      Resource: sorted(input.deadLetterTopicArns),
    },
    { Sid: 'MskCluster', Effect: 'Allow', Action: ['kafka:DescribeClusterV2'], Resource: [input.clusterArn] },
    // GetBootstrapBrokers has no resource-level permissions: IAM matches it only with Resource "*".
    { Sid: 'MskBootstrapBrokers', Effect: 'Allow', Action: ['kafka:GetBootstrapBrokers'], Resource: ['*'] },
    ...(input.vpcConnectionArn
      ? [{ Sid: 'MskVpcConnection', Effect: 'Allow' as const, Action: ['kafka:DescribeVpcConnection'], Resource: [input.vpcConnectionArn] }]
      : []),
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: sorted(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']),
      Resource: [logGroup, `${logGroup}:*`],
    },
    {
      // The Describe actions have no resource-level form.
      Sid: 'VpcNetworkInterfaces',
      Effect: 'Allow',
      Action: sorted(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']),
      Resource: ['*'],
    },
    {
      // Lambda's pollers create and delete their network interfaces in the function's account and region only.
      Sid: 'VpcNetworkInterfaceLifecycle',
      Effect: 'Allow',
      Action: sorted(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
      Resource: ['network-interface', 'security-group', 'subnet'].map((type) => `${ec2}:${type}/*`),
    },
  ];
  // Several subscriptions of one function often declare the same permission (PutItems on * from songs and from
  // podcasts): each distinct statement appears once, numbered in order of first declaration.
  const declared = new Set<string>();
  for (const permission of input.permissions) {
    const Action = sorted(permission.actions);
    const Resource = sorted(permission.resources);
    const key = JSON.stringify([Action, Resource]);
    if (declared.has(key)) continue;
    declared.add(key);
    statements.push({ Sid: `Declared${declared.size}`, Effect: 'Allow', Action, Resource });
  }
  // A function access withholds entirely has no topic, group or dead letter: those statements are left out.
  return { Version: '2012-10-17', Statement: statements.filter((statement) => statement.Resource.length > 0) };
}

/** A policy document read back from IAM (URL-encoded JSON; single values as strings) in the form above. */
export function normalizePolicy(document: string | undefined): unknown {
  if (!document) return undefined;
  let text = document;
  try {
    text = decodeURIComponent(document);
  } catch {
    // already decoded
  }
  const parsed = JSON.parse(text) as { Version?: string; Statement?: unknown };
  const list = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  return {
    ...parsed,
    Statement: list.map((raw) => {
      const s = raw as Record<string, unknown>;
      const out: Record<string, unknown> = { ...s };
      if ('Action' in s) out.Action = sorted(asArray(s.Action));
      if ('Resource' in s) out.Resource = sorted(asArray(s.Resource));
      return out;
    }),
  };
}
