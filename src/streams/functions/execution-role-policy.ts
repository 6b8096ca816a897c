/**
 * The execution role of a stream subscription's Lambda function holds only what it needs (pure, no I/O):
 *   - MSK data plane for the event source mapping (as AWSLambdaMSKExecutionRole + the IAM access-control actions):
 *     kafka-cluster:Connect and DescribeClusterDynamicConfiguration on the cluster; DescribeTopic and ReadData on the
 *     source topic; DescribeGroup and AlterGroup on the consumer group; kafka:DescribeClusterV2 and
 *     GetBootstrapBrokers on the cluster
 *   - the dead-letter topic: kafka-cluster:WriteData (+ DescribeTopic, which producing requires) on that topic only
 *   - CloudWatch Logs for the function's own log group
 *   - the EC2 network-interface actions Lambda's pollers use in the cluster's VPC (these have no resource-level form)
 *   - whatever the subscriptions declare in `permissions` (each distinct statement once)
 */
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

export function executionRolePolicy(input: ExecutionPolicyInput): PolicyDocument {
  const logGroup = `arn:aws:logs:${input.region}:${input.account}:log-group:/aws/lambda/${input.functionName}`;
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
    {
      Sid: 'MskCluster',
      Effect: 'Allow',
      Action: sorted(['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers']),
      Resource: [input.clusterArn],
    },
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
      Sid: 'VpcNetworkInterfaces',
      Effect: 'Allow',
      Action: sorted([
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
      ]),
      Resource: ['*'],
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
  return { Version: '2012-10-17', Statement: statements };
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
