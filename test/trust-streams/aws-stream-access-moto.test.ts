// Stream subscriptions obey the access decisions on aws (moto with the MSK patches). Before, a subscription to an
// `accessPolicy: approval` product got its execution role, Lambda function and event source mapping without any
// approval, and kept its mapping after a revocation. Now a withheld subscription (pending, or approved for fewer
// columns than the events carry) is listed in the plan with its reason and gets nothing; an approved one gets its
// mapping; a revocation disables the mapping on the next apply without a flag (and takes the consumer's statements
// out of the MSK cluster policy); a renewed approval enables it again.

import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetClusterPolicyCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import type { Plan } from '../../src/engine/plan.js';
import type { PlanScope } from '../../src/engine/plane.js';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import type { AccessDecision, Column, Domain, Product, Workspace } from '../../src/workspace/model.js';
import { createMskCluster } from '../e2e/aws-example-setup.js';
import { type Fixture, makeFixture } from '../streams/fixtures.js';
import { accountClients, freshAccounts, TEST_ROLE_NAME } from '../support/moto.js';

const accounts = freshAccounts();
const region = 'us-east-1';
const access = (account: string) => ({ account, region, roleArn: `arn:aws:iam::${account}:role/${TEST_ROLE_NAME}` });
const clients = new CountingAwsClients(new AwsCallCounter(), undefined, { centralAccount: accounts.central });
afterAll(() => clients.destroy());

const EVENT_COLUMNS = ['eventType', 'itemId', 'timestamp', 'userId'];
const FULL: PlanScope = { include: { publish: false, subscriptions: true } };
const NAMED: PlanScope = {
  subscriptions: [{ product: 'listen-events', domain: 'recommendations', stream: true, table: false }],
  include: { publish: false, subscriptions: true },
};

let fixture: Fixture;
let clusterArn: string;
let base: Workspace;
let previousNow: string | undefined;

const column = (name: string): Column => ({
  name,
  type: name === 'timestamp' ? 'timestamp' : 'string',
  required: true,
  pii: false,
  primaryKey: false,
});

/** The workspace with the producer's decisions on recommendations/listen-events. */
function decided(decisions: { approvals?: AccessDecision[]; denials?: AccessDecision[] }): Workspace {
  return { ...base, domains: base.domains.map((d) => (d.name === 'interactions' ? { ...d, ...decisions } : d)) };
}
const approval = (columns: readonly string[]): AccessDecision => ({
  consumer: 'recommendations',
  product: 'listen-events',
  columns,
  by: 'music',
  date: '2026-01-01',
});
const revoked: AccessDecision = {
  consumer: 'recommendations',
  product: 'listen-events',
  by: 'music',
  date: '2026-02-01',
  reason: 'approval revoked: contract ended',
};

const run = (workspace: Workspace, scope: PlanScope, dryRun = false) =>
  runPlanes({ workspace, target: 'aws', clients, signal: new AbortController().signal, scope, factories: [createStreamsPlane], dryRun });

/** The subscription's part of a plan: `action type reason` lines. */
const lines = (plan: Plan) =>
  plan.changes
    .filter((c) => ['execution-role', 'function', 'event-source-mapping'].includes(c.ref.type))
    .map((c) => `${c.action} ${c.ref.type} ${c.reason}`);

async function mappingStates(): Promise<string[]> {
  const lambda = new LambdaClient(await accountClients(accounts.consumer));
  try {
    const name = `${base.mesh.name}-recommendations-listens-handler`;
    const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
    return (EventSourceMappings ?? []).map((m) => m.State ?? '');
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return [];
    throw error;
  } finally {
    lambda.destroy();
  }
}

/** The actions the function's execution role allows. */
async function roleActions(): Promise<string[]> {
  const iam = new IAMClient(await accountClients(accounts.consumer));
  try {
    const RoleName = `${base.mesh.name}-recommendations-listens-handler-exec`;
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: 'mesh-execution' }));
    const document = JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')) as { Statement: { Action: string | string[] }[] };
    return document.Statement.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
  } finally {
    iam.destroy();
  }
}

/** Principals in the cluster policy that may read the subscription's topic. */
async function readers(): Promise<string[]> {
  const kafka = new KafkaClient(await accountClients(accounts.central));
  try {
    const { Policy } = await kafka.send(new GetClusterPolicyCommand({ ClusterArn: clusterArn }));
    const statements = Policy
      ? (JSON.parse(Policy) as { Statement: { Principal: { AWS: string | string[] }; Action: string | string[] }[] }).Statement
      : [];
    const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
    return statements.filter((s) => list(s.Action).includes('kafka-cluster:ReadData')).flatMap((s) => list(s.Principal.AWS));
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return [];
    throw error;
  } finally {
    kafka.destroy();
  }
}

beforeAll(async () => {
  previousNow = process.env.MESH_NOW;
  process.env.MESH_NOW = '2026-03-01';
  const cluster = await createMskCluster(accounts.central);
  clusterArn = cluster.arn;
  fixture = makeFixture({
    target: 'aws',
    streaming: { kind: 'msk', clusterArn, account: accounts.central, region },
    centralAccess: access(accounts.central),
    producerAccess: access(accounts.producer),
    consumerAccess: access(accounts.consumer),
  });
  const ws = fixture.workspace;
  const mskVpcConnectionArn = `arn:aws:kafka:${region}:${accounts.consumer}:vpc-connection/${accounts.central}/${cluster.name}/abcd1234`;
  // listen-events is confidential (access by approval), its columns the event fields; recommendations requests all.
  const product: Product = { ...(ws.products[0] as Product), classification: 'confidential', columns: EVENT_COLUMNS.map(column) };
  const consumer = ws.domains.find((d) => d.name === 'recommendations') as Domain;
  const subscription = {
    ...(consumer.subscriptions[0] as Domain['subscriptions'][number]),
    table: { columns: EVENT_COLUMNS },
    request: { purpose: 'recommendations', requested: '2026-01-01' },
  };
  base = {
    ...ws,
    products: [product],
    domains: ws.domains.map((d) => (d.name === 'recommendations' ? { ...d, mskVpcConnectionArn, subscriptions: [subscription] } : d)),
  };
  expect((await run(base, { include: { publish: true, subscriptions: false } })).applied).toBe(true);
});
afterAll(() => {
  if (previousNow === undefined) delete process.env.MESH_NOW;
  else process.env.MESH_NOW = previousNow;
  fixture.cleanup();
});

describe('a stream subscription that access withholds gets nothing on aws', () => {
  it('pending: the plan lists it as withheld, with no role, function or mapping; a named subscribe is refused', async () => {
    const { plan } = await run(base, FULL, true);
    expect(lines(plan)).toEqual([
      'noop event-source-mapping withheld: waiting for the approval of interactions (recommendations on listen-events)',
    ]);
    await expect(run(base, NAMED, true)).rejects.toMatchObject({
      code: 'AccessNotApproved',
      hint: 'The interactions domain approves it: mesh access approve recommendations/listen-events.',
    });
    expect(await mappingStates()).toEqual([]);
  });

  it('approved for fewer columns than the events carry: withheld, naming the columns', async () => {
    const { plan } = await run(decided({ approvals: [approval(['itemId', 'userId'])] }), FULL, true);
    expect(lines(plan)).toEqual([
      'noop event-source-mapping withheld: its events carry columns eventType, timestamp, which recommendations is not granted (a column grant cannot be applied to events) (recommendations on listen-events)',
    ]);
  });
});

describe('an approved stream subscription on aws, revoked, then approved again', () => {
  it('approved: role, function and an enabled mapping; the consumer may read the topic', async () => {
    const { applied, plan } = await run(decided({ approvals: [approval(EVENT_COLUMNS)] }), FULL);
    expect(applied).toBe(true);
    expect(lines(plan).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'create execution-role',
      'create function',
      'create event-source-mapping',
    ]);
    expect(await mappingStates()).toEqual(['Enabled']);
    expect(await readers()).toEqual([expect.stringContaining(`:role/${base.mesh.name}-recommendations-listens-handler-exec`)]);
  });

  it('revoked: the next apply disables the mapping without a flag and takes the read out of the cluster policy', async () => {
    const { applied, plan } = await run(decided({ denials: [revoked] }), FULL);
    expect(applied).toBe(true);
    const why = 'withheld: denied by music on 2026-02-01: approval revoked: contract ended (recommendations on listen-events)';
    expect(lines(plan)).toEqual([
      `update event-source-mapping ${why}; the mapping is disabled`,
      `update execution-role ${why}; the role reads no topic`,
    ]);
    const mapping = plan.changes.find((c) => c.ref.type === 'event-source-mapping');
    const policy = plan.changes.find((c) => c.ref.type === 'msk-cluster-policy');
    expect(policy?.dependsOn).toContain(mapping?.key);
    expect(await mappingStates()).toEqual(['Disabled']);
    expect(await readers()).toEqual([]);
    expect(await roleActions()).not.toContain('kafka-cluster:ReadData');
    // Applied: nothing left to stop.
    expect(lines((await run(decided({ denials: [revoked] }), FULL, true)).plan)).toEqual([
      `noop event-source-mapping ${why}`,
      'noop execution-role up to date',
    ]);
  });

  it('approved again: the same mapping is enabled again (its consumer group and offsets kept)', async () => {
    const { applied, plan } = await run(decided({ approvals: [approval(EVENT_COLUMNS)] }), FULL);
    expect(applied).toBe(true);
    expect(lines(plan).filter((l) => !l.startsWith('noop'))).toEqual([
      'update execution-role permissions changed',
      'update event-source-mapping disabled → enabled',
    ]);
    expect(await mappingStates()).toEqual(['Enabled']);
    expect(await roleActions()).toContain('kafka-cluster:ReadData');
  });
});
