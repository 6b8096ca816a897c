// Unsubscribing on aws narrows the MSK cluster policy in the same run (moto with the MSK patches, the real Kafka
// broker behind the cluster). The consumer's functions live in another account than the cluster, so mesh writes
// statements for its execution roles into the cluster policy. recommendations subscribes to two producers' topics
// (one function each), unsubscribes from one: its role keeps reads on the remaining topic and writes on that
// subscription's dead-letter topic only; after the last unsubscribe none of its statements is left and the policy,
// holding nothing else, is deleted. A re-run of an unsubscribe changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetClusterPolicyCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import type { PlanScope } from '../../src/engine/plane.js';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import type { Domain, Product, StreamSubscription, Workspace } from '../../src/workspace/model.js';
import { topicName } from '../../src/workspace/naming.js';
import { createMskCluster } from '../e2e/aws-example-setup.js';
import { accountClients, freshAccounts, TEST_ROLE_NAME } from '../support/moto.js';
import { type Fixture, HANDLER_SOURCE, makeFixture } from './fixtures.js';

const accounts = freshAccounts();
const region = 'us-east-1';
const access = (account: string) => ({ account, region, roleArn: `arn:aws:iam::${account}:role/${TEST_ROLE_NAME}` });
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter, undefined, { centralAccount: accounts.central });
afterAll(() => clients.destroy());

let fixture: Fixture;
let clusterArn: string;
let clusterName: string;
/** Both subscriptions declared (as the domain file is while the first unsubscribe runs). */
let both: Workspace;
let listens: string;
let plays: string;

interface Statement {
  Sid: string;
  Principal: { AWS: string | string[] };
  Action: string | string[];
  Resource: string | string[];
}
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

async function clusterPolicy(): Promise<Statement[] | undefined> {
  const kafka = new KafkaClient(await accountClients(accounts.central));
  try {
    const { Policy } = await kafka.send(new GetClusterPolicyCommand({ ClusterArn: clusterArn }));
    // No policy: AWS answers NotFoundException; moto an empty policy.
    return Policy ? (JSON.parse(Policy) as { Statement: Statement[] }).Statement : undefined;
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  } finally {
    kafka.destroy();
  }
}

/** What the consumer's statements allow: `role action resource` lines, sorted. */
function grantsOf(statements: readonly Statement[], roleName: string): string[] {
  const out: string[] = [];
  for (const s of statements) {
    if (!list(s.Principal.AWS).some((p) => p.endsWith(`:role/${roleName}`))) continue;
    for (const a of list(s.Action)) for (const r of list(s.Resource)) out.push(`${a} ${r}`);
  }
  return out.sort();
}

const run = (workspace: Workspace, scope: PlanScope) =>
  runPlanes({
    workspace,
    target: 'aws',
    clients,
    signal: new AbortController().signal,
    scope,
    factories: [createStreamsPlane],
    allowed: new Set(['--allow-delete']),
  });
const removal = (product: string): PlanScope => ({
  removals: [{ product, domain: 'recommendations', stream: true, table: false }],
  include: { publish: false, subscriptions: true },
});
const withoutSubscription = (ws: Workspace, product: string): Workspace => ({
  ...ws,
  domains: ws.domains.map((d) =>
    d.name === 'recommendations' ? { ...d, subscriptions: d.subscriptions.filter((s) => s.product !== product) } : d,
  ),
});

beforeAll(async () => {
  ({ arn: clusterArn, name: clusterName } = await createMskCluster(accounts.central));
  fixture = makeFixture({
    target: 'aws',
    streaming: { kind: 'msk', clusterArn, account: accounts.central, region },
    centralAccess: access(accounts.central),
    producerAccess: access(accounts.producer),
    consumerAccess: access(accounts.consumer),
  });
  const ws = fixture.workspace;
  const [listenEvents] = ws.products as [Product];
  // A second producer with a stream product, read by a second function of the consumer.
  const podcastPlays: Product = {
    ...listenEvents,
    id: `urn:mesh:${ws.mesh.name}:podcasts:podcast-plays`,
    name: 'podcast-plays',
    domain: 'podcasts',
    stream: { ...(listenEvents.stream as NonNullable<Product['stream']>), topic: topicName(ws.mesh, 'podcasts', 'podcast-plays', 1) },
    file: path.join(ws.root, 'domains', 'podcasts', 'podcast-plays.odcs.yaml'),
  };
  const producer = ws.domains.find((d) => d.name === 'interactions') as Domain;
  const podcasts: Domain = {
    ...producer,
    name: 'podcasts',
    roleName: 'podcasts-producer',
    dir: path.join(ws.root, 'domains', 'podcasts'),
    file: path.join(ws.root, 'domains', 'podcasts', 'domain.yaml'),
  };
  const consumer = ws.domains.find((d) => d.name === 'recommendations') as Domain;
  const listenSub = consumer.subscriptions[0]?.stream as StreamSubscription;
  const playsDir = path.join(ws.root, 'domains', 'recommendations', 'handlers', 'plays');
  mkdirSync(playsDir, { recursive: true });
  writeFileSync(path.join(playsDir, 'index.js'), HANDLER_SOURCE);
  const playsSub: StreamSubscription = {
    ...listenSub,
    function: 'plays-handler',
    handlerDir: playsDir,
    deadLetterTopic: `${podcastPlays.stream?.topic}.dlq.recommendations`,
  };
  const mskVpcConnectionArn = `arn:aws:kafka:${region}:${accounts.consumer}:vpc-connection/${accounts.central}/${clusterName}/abcd1234`;
  both = {
    ...ws,
    products: [listenEvents, podcastPlays],
    domains: [
      producer,
      podcasts,
      {
        ...consumer,
        mskVpcConnectionArn,
        subscriptions: [...consumer.subscriptions, { product: 'podcast-plays', stream: playsSub }],
      },
    ],
  };
  listens = `${ws.mesh.name}-recommendations-listens-handler-exec`;
  plays = `${ws.mesh.name}-recommendations-plays-handler-exec`;
  expect((await run(both, { include: { publish: true, subscriptions: false } })).applied).toBe(true);
});
afterAll(() => fixture.cleanup());

describe('unsubscribing a cross-account stream subscription on aws (cluster policy)', () => {
  const clusterPath = () => clusterArn.split(':cluster/')[1] ?? '';
  const topicArn = (name: string) => `arn:aws:kafka:${region}:${accounts.central}:topic/${clusterPath()}/${name}`;
  const groupArn = (product: string) =>
    `arn:aws:kafka:${region}:${accounts.central}:group/${clusterPath()}/${both.mesh.name}.recommendations.${product}`;
  const listenTopic = () => both.products[0]?.stream?.topic ?? '';
  const playsTopic = () => both.products[1]?.stream?.topic ?? '';
  const consumerGrants = (topic: string, product: string) => [
    `kafka-cluster:AlterGroup ${groupArn(product)}`,
    `kafka-cluster:Connect ${clusterArn}`,
    `kafka-cluster:DescribeClusterDynamicConfiguration ${clusterArn}`,
    `kafka-cluster:DescribeGroup ${groupArn(product)}`,
    `kafka-cluster:DescribeTopic ${topicArn(`${topic}.dlq.recommendations`)}`,
    `kafka-cluster:DescribeTopic ${topicArn(topic)}`,
    `kafka-cluster:ReadData ${topicArn(topic)}`,
    `kafka-cluster:WriteData ${topicArn(`${topic}.dlq.recommendations`)}`,
    `kafka:CreateVpcConnection ${clusterArn}`,
    `kafka:DescribeCluster ${clusterArn}`,
    `kafka:DescribeClusterV2 ${clusterArn}`,
    `kafka:GetBootstrapBrokers ${clusterArn}`,
  ];

  it('subscribing to both gives each function its own reads and dead-letter writes', async () => {
    const { applied } = await run(both, {
      subscriptions: [
        { product: 'listen-events', domain: 'recommendations', stream: true, table: false },
        { product: 'podcast-plays', domain: 'recommendations', stream: true, table: false },
      ],
      include: { publish: false, subscriptions: true },
    });
    expect(applied).toBe(true);
    const statements = (await clusterPolicy()) ?? [];
    expect(grantsOf(statements, listens)).toEqual(consumerGrants(listenTopic(), 'listen-events').sort());
    expect(grantsOf(statements, plays)).toEqual(consumerGrants(playsTopic(), 'podcast-plays').sort());
  });

  it('unsubscribing from one keeps only the remaining subscription’s statements', async () => {
    const { plan, applied } = await run(both, removal('podcast-plays'));
    expect(applied).toBe(true);
    expect(plan.changes.map((c) => `${c.action} ${c.ref.type}`).sort()).toEqual([
      'delete event-source-mapping',
      'delete execution-role',
      'delete function',
      'revoke msk-cluster-policy',
    ]);
    const statements = (await clusterPolicy()) ?? [];
    expect(grantsOf(statements, plays)).toEqual([]);
    expect(grantsOf(statements, listens)).toEqual(consumerGrants(listenTopic(), 'listen-events').sort());
    expect(statements.map((s) => s.Sid).sort()).toEqual([
      'MeshRecommendationsCluster',
      'MeshRecommendationsConnect',
      'MeshRecommendationsListensHandlerDeadLetter',
      'MeshRecommendationsListensHandlerGroups',
      'MeshRecommendationsListensHandlerRead',
    ]);
  });

  it('a re-run of that unsubscribe (the entry gone from the domain file) makes no mutating call', async () => {
    counter.reset();
    const { plan } = await run(withoutSubscription(both, 'podcast-plays'), removal('podcast-plays'));
    expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(counter.total).toBeGreaterThan(0);
    expect(counter.mutating).toEqual([]);
  });

  it('unsubscribing from the last removes every statement of the consumer, and the policy with nothing else in it', async () => {
    const one = withoutSubscription(both, 'podcast-plays');
    counter.reset();
    const { plan, applied } = await run(one, removal('listen-events'));
    expect(applied).toBe(true);
    expect(counter.count('kafka', 'DeleteClusterPolicy')).toBe(1);
    expect(counter.count('kafka', 'PutClusterPolicy')).toBe(0);
    const policyChange = plan.changes.find((c) => c.ref.type === 'msk-cluster-policy');
    expect(policyChange?.action).toBe('revoke');
    const mapping = plan.changes.find((c) => c.ref.type === 'event-source-mapping');
    expect(policyChange?.dependsOn).toContain(mapping?.key);
    expect(await clusterPolicy()).toBeUndefined();
    counter.reset();
    const again = await run(withoutSubscription(one, 'listen-events'), removal('listen-events'));
    expect(again.plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(counter.mutating).toEqual([]);
  });
});
