// What the aws accounts should hold, computed from the example's files (and mesh's documented names and defaults),
// independently of mesh's own code: the central grants, each function's execution policy and its mappings.

import { contract, domainFile, type StreamFacts, type SubscriptionFacts } from './aws-example-files.js';
import { bucketOf, type ExampleAccounts, REGION } from './aws-example-setup.js';

export interface ExampleRun {
  readonly root: string;
  readonly accounts: ExampleAccounts;
  readonly topicPrefix: string;
  readonly clusterArn: string;
}

export type StreamSubscription = SubscriptionFacts & { stream: StreamFacts };

/** The managed VPC connection the test gives a consumer domain in its own account (the cluster is in central's). */
export function vpcConnectionArnOf(run: Pick<ExampleRun, 'accounts' | 'clusterArn'>, consumer: string): string {
  const [name = '', id = ''] = (run.clusterArn.split(':cluster/')[1] ?? '').split('/');
  return `arn:aws:kafka:${REGION}:${run.accounts[consumer as keyof ExampleAccounts]}:vpc-connection/${run.accounts.central}/${name}/${id.slice(0, 8)}vpc`;
}

export function topicOf(run: ExampleRun, product: string): string {
  const c = contract(run.root, product);
  return `${run.topicPrefix}.${c.domain}.${c.stream.entity}.v${c.stream.major}`;
}

/** A consumer's stream subscriptions, grouped by the function that handles them. */
export function functionsOf(run: ExampleRun, consumer: string): Map<string, StreamSubscription[]> {
  const groups = new Map<string, StreamSubscription[]>();
  for (const s of domainFile(run.root, consumer).subscriptions) {
    if (s.stream) groups.set(s.stream.function, [...(groups.get(s.stream.function) ?? []), s as StreamSubscription]);
  }
  return groups;
}

/** Every Lake Formation grant in the central catalog, in test/catalog/moto-accounts.ts `grants()` form. */
export function centralGrants(run: ExampleRun, producers: readonly string[]): string[] {
  const C = run.accounts.central;
  const producerGrants = producers.flatMap((product) => {
    const f = contract(run.root, product);
    const role = `arn:aws:iam::${run.accounts[f.domain as keyof ExampleAccounts]}:role/mesh-${f.domain}`;
    return [
      `${role} | database ${C}:music_${f.domain} | CREATE_TABLE,DESCRIBE | `,
      `${role} | location ${C}:arn:aws:s3:::${bucketOf(f.location)} | DATA_LOCATION_ACCESS | `,
      `${role} | table ${C}:music_${f.domain}.${f.name} | ALTER,DELETE,DESCRIBE,INSERT,SELECT | DESCRIBE,SELECT`,
    ];
  });
  const consumer = `arn:aws:iam::${run.accounts.recommendations}:role/mesh-recommendations`;
  const consumerGrants = domainFile(run.root, 'recommendations').subscriptions.flatMap((s) => {
    const domain = contract(run.root, s.product).domain;
    const table = `${C}:music_${domain}.${s.product}`;
    const database = `${consumer} | database ${C}:music_${domain} | DESCRIBE | `;
    if (s.table === true) return [database, `${consumer} | table ${table} | DESCRIBE,SELECT | `];
    const columns = [...(s.table?.columns ?? [])].sort().join(',');
    return [database, `${consumer} | table ${table} | DESCRIBE | `, `${consumer} | columns ${table}(${columns}) | SELECT | `];
  });
  return [...producerGrants, ...consumerGrants].sort();
}

/** The permissions a function's subscriptions declare, each distinct statement once (songs and podcasts both declare PutItems on *). */
function declaredOnce(subs: readonly StreamSubscription[]): { actions: string[]; resources: string[] }[] {
  const byStatement = new Map<string, { actions: string[]; resources: string[] }>();
  for (const p of subs.flatMap((s) => s.stream.permissions ?? [])) {
    const key = JSON.stringify([[...p.actions].sort(), [...p.resources].sort()]);
    if (!byStatement.has(key)) byStatement.set(key, p);
  }
  return [...byStatement.values()];
}

/** The inline policy `mesh-execution` of a function's role: MSK read + dead letters, logs, VPC, then the declared ones. */
export function executionPolicy(run: ExampleRun, consumer: string, fn: string, subs: readonly StreamSubscription[]) {
  const account = run.accounts[consumer as keyof ExampleAccounts];
  const clusterPath = run.clusterArn.split(':cluster/')[1] ?? '';
  const msk = (kind: string, name: string) => `arn:aws:kafka:${REGION}:${run.accounts.central}:${kind}/${clusterPath}/${name}`;
  const topics = subs.map((s) => topicOf(run, s.product));
  const logGroup = `arn:aws:logs:${REGION}:${account}:log-group:/aws/lambda/music-${consumer}-${fn}`;
  const allow = (Sid: string, Action: readonly string[], Resource: readonly string[]) => ({ Sid, Effect: 'Allow', Action, Resource });
  return {
    Version: '2012-10-17',
    Statement: [
      allow('MskConnect', ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'], [run.clusterArn]),
      allow('MskReadTopic', ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], topics.map((t) => msk('topic', t)).sort()),
      allow(
        'MskConsumerGroup',
        ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
        subs.map((s) => msk('group', `mesh.${consumer}.${s.product}`)).sort(),
      ),
      allow(
        'MskDeadLetterTopic',
        ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        topics.map((t) => msk('topic', `${t}.dlq.${consumer}`)).sort(),
      ),
      allow('MskCluster', ['kafka:DescribeClusterV2'], [run.clusterArn]),
      allow('MskBootstrapBrokers', ['kafka:GetBootstrapBrokers'], ['*']),
      allow('MskVpcConnection', ['kafka:DescribeVpcConnection'], [vpcConnectionArnOf(run, consumer)]),
      allow('Logs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup, `${logGroup}:*`]),
      allow(
        'VpcNetworkInterfaces',
        ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        ['*'],
      ),
      allow(
        'VpcNetworkInterfaceLifecycle',
        ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
        ['network-interface', 'security-group', 'subnet'].map((t) => `arn:aws:ec2:${REGION}:${account}:${t}/*`),
      ),
      ...declaredOnce(subs).map((p, i) => allow(`Declared${i + 1}`, p.actions, p.resources)),
    ],
  };
}

/** The event source mappings of a function, sorted by topic. Defaults as documented: LATEST, 100, 1 s, 3 retries. */
export function mappings(run: ExampleRun, consumer: string, fn: string, subs: readonly StreamSubscription[]) {
  const account = run.accounts[consumer as keyof ExampleAccounts];
  return subs
    .map((s) => {
      const topic = topicOf(run, s.product);
      return {
        EventSourceArn: vpcConnectionArnOf(run, consumer),
        FunctionArn: `arn:aws:lambda:${REGION}:${account}:function:music-${consumer}-${fn}`,
        Topics: [topic],
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `mesh.${consumer}.${s.product}` },
        StartingPosition: s.stream.startingPosition ?? 'LATEST',
        BatchSize: s.stream.batchSize ?? 100,
        MaximumBatchingWindowInSeconds: s.stream.batchingWindowSeconds ?? 1,
        MaximumRetryAttempts: s.stream.maximumRetryAttempts ?? 3,
        DestinationConfig: { OnFailure: { Destination: `kafka://${topic}.dlq.${consumer}` } },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 10 },
        State: 'Enabled',
      };
    })
    .sort((a, b) => (a.Topics[0] ?? '').localeCompare(b.Topics[0] ?? ''));
}
