// The streams plane on the aws target against moto (with the MSK patches) and the real Kafka broker behind moto's
// GetBootstrapBrokers: topics through the kafkajs fallback (cluster on Kafka 3.5), the schema in Glue, and a stream
// subscription's role, function and event source mapping read back from the consumer's account. Here the consumer's
// functions live in the cluster's own account (the mapping names the cluster); the cross-account case (a managed VPC
// connection and the cluster policy) is covered by test/e2e/aws-example.test.ts.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetSchemaCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetEventSourceMappingCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import type { Plan } from '../../src/engine/plan.js';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import type { Workspace } from '../../src/workspace/model.js';
import { createMskCluster } from '../e2e/aws-example-setup.js';
import { testKafka } from '../support/kafka.js';
import { accountClients, freshAccounts, TEST_ROLE_NAME } from '../support/moto.js';
import { type Fixture, makeFixture, withSubscription } from './fixtures.js';

const accounts = freshAccounts();
const region = 'us-east-1';
const access = (account: string) => ({ account, region, roleArn: `arn:aws:iam::${account}:role/${TEST_ROLE_NAME}` });
let fixture: Fixture;
let clusterArn: string;

/** The runs' AwsClients, as the toolkit makes one per run. */
const clients = new AwsClients({ centralAccount: accounts.central });
afterAll(() => clients.destroy());

async function apply(workspace: Workspace, subscriptions: boolean, allowed: string[] = [], dryRun = false) {
  return runPlanes({
    workspace,
    target: 'aws',
    clients,
    signal: new AbortController().signal,
    scope: subscriptions
      ? {
          subscriptions: [{ product: 'listen-events', domain: 'recommendations', stream: true, table: false }],
          include: { publish: false, subscriptions: true },
        }
      : { include: { publish: true, subscriptions: false } },
    factories: [createStreamsPlane],
    allowed: new Set(allowed),
    dryRun,
  });
}
const actions = (plan: Plan) => Object.fromEntries(plan.changes.map((c) => [c.ref.type, c.action]));

beforeAll(async () => {
  ({ arn: clusterArn } = await createMskCluster(accounts.central));
  fixture = makeFixture({
    target: 'aws',
    streaming: { kind: 'msk', clusterArn, account: accounts.central, region },
    centralAccess: access(accounts.central),
    producerAccess: access(accounts.producer),
    consumerAccess: access(accounts.central),
    subscription: {
      permissions: [
        { actions: ['personalize:PutEvents'], resources: [`arn:aws:personalize:${region}:${accounts.central}:event-tracker/listens`] },
      ],
    },
  });
});
afterAll(() => fixture.cleanup());

describe('publishing on MSK without the topic API (Kafka 3.5: kafkajs at the bootstrap brokers)', () => {
  it('creates the topic on the broker and registers the schema in Glue', async () => {
    const { plan, applied } = await apply(fixture.workspace, false);
    expect(applied).toBe(true);
    expect(actions(plan)).toEqual({ topic: 'create', schema: 'create' });
    const topic = fixture.product.stream?.topic ?? '';
    const admin = testKafka('aws-msk-test').admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions).toHaveLength(3);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
      });
      const values = Object.fromEntries((configs.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
      expect(values).toEqual({ 'retention.ms': '86400000', 'cleanup.policy': 'delete' });
    } finally {
      await admin.disconnect();
    }
    const glue = new GlueClient(await accountClients(accounts.central));
    const schema = await glue.send(
      new GetSchemaCommand({ SchemaId: { RegistryName: fixture.workspace.mesh.schemaRegistry, SchemaName: topic } }),
    );
    expect(schema).toMatchObject({ Compatibility: 'BACKWARD', DataFormat: 'AVRO', LatestSchemaVersion: 1 });
    expect((await apply(fixture.workspace, false)).plan.changes.every((c) => c.action === 'noop')).toBe(true);
  });
});

describe('a stream subscription on aws', () => {
  const fnName = () => `${fixture.workspace.mesh.name}-recommendations-listens-handler`;
  const topic = () => fixture.product.stream?.topic ?? '';
  const group = () => `${fixture.workspace.mesh.name}.recommendations.listen-events`;
  let uuid = '';

  it('creates the execution role, the function and the mapping in the consumer account', async () => {
    const { plan } = await apply(fixture.workspace, true);
    expect(actions(plan)).toEqual({ topic: 'create', 'execution-role': 'create', function: 'create', 'event-source-mapping': 'create' });
    const config = await accountClients(accounts.central);
    const lambda = new LambdaClient(config);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: fnName() }));
    expect(fn.Configuration).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: `arn:aws:iam::${accounts.central}:role/${fnName()}-exec`,
      Timeout: 60,
      MemorySize: 256,
      Environment: { Variables: { OUT_FILE: fixture.outFile, MODE: 'ok' } },
    });
    expect(fn.Tags).toMatchObject({
      'mesh:managed-by': `mesh/${fixture.workspace.mesh.name}`,
      'mesh:domain': 'recommendations',
      'mesh:function': 'listens-handler',
    });

    const cluster = clusterArn.replace(/^(arn:aws:kafka:[^:]+:\d+:)cluster\//, '');
    const arn = (kind: string, name: string) => `arn:aws:kafka:${region}:${accounts.central}:${kind}/${cluster}/${name}`;
    const iam = new IAMClient(config);
    const doc = await iam.send(new GetRolePolicyCommand({ RoleName: `${fnName()}-exec`, PolicyName: 'mesh-execution' }));
    const policy = JSON.parse(decodeURIComponent(doc.PolicyDocument ?? '')) as {
      Statement: { Sid: string; Action: string[]; Resource: string[] }[];
    };
    const logGroup = `arn:aws:logs:${region}:${accounts.central}:log-group:/aws/lambda/${fnName()}`;
    expect(policy.Statement.map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource }))).toEqual([
      { Sid: 'MskConnect', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'], Resource: [clusterArn] },
      { Sid: 'MskReadTopic', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: [arn('topic', topic())] },
      { Sid: 'MskConsumerGroup', Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'], Resource: [arn('group', group())] },
      {
        Sid: 'MskDeadLetterTopic',
        Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        Resource: [arn('topic', `${topic()}.dlq.recommendations`)],
      },
      { Sid: 'MskCluster', Action: ['kafka:DescribeClusterV2'], Resource: [clusterArn] },
      { Sid: 'MskBootstrapBrokers', Action: ['kafka:GetBootstrapBrokers'], Resource: ['*'] },
      { Sid: 'Logs', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroup, `${logGroup}:*`] },
      {
        Sid: 'VpcNetworkInterfaces',
        Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        Resource: ['*'],
      },
      {
        Sid: 'VpcNetworkInterfaceLifecycle',
        Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
        Resource: ['network-interface', 'security-group', 'subnet'].map((t) => `arn:aws:ec2:${region}:${accounts.central}:${t}/*`),
      },
      {
        Sid: 'Declared1',
        Action: ['personalize:PutEvents'],
        Resource: [`arn:aws:personalize:${region}:${accounts.central}:event-tracker/listens`],
      },
    ]);

    const planned = await apply(fixture.workspace, true, [], true);
    uuid = String(planned.plan.changes.find((c) => c.ref.type === 'event-source-mapping')?.attributes?.uuid ?? '');
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(mapping).toMatchObject({
      EventSourceArn: clusterArn,
      Topics: [topic()],
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: `kafka://${topic()}.dlq.recommendations` } },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: group() },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 10 },
      State: 'Enabled',
    });
    expect(mapping.FunctionArn).toMatch(new RegExp(`:${accounts.central}:function:${fnName()}$`));
  });

  it('plans nothing on a second run (same files give the same CodeSha256)', async () => {
    const { plan, applied } = await apply(fixture.workspace, true);
    expect(applied).toBe(false);
    expect(plan.changes.map((c) => `${c.ref.type}:${c.action}`)).toEqual([
      'execution-role:noop',
      'topic:noop',
      'function:noop',
      'event-source-mapping:noop',
    ]);
  });

  it('updates the function code and mutable mapping fields in place', async () => {
    const handlerDir = fixture.consumer.subscriptions[0]?.stream?.handlerDir ?? '';
    writeFileSync(path.join(handlerDir, 'index.js'), `${readFileSync(path.join(handlerDir, 'index.js'), 'utf8')}\nexports.version = 2;\n`);
    const ws = withSubscription(fixture, { batchSize: 50 });
    const { plan } = await apply(ws, true);
    const byType = Object.fromEntries(plan.changes.map((c) => [c.ref.type, c]));
    expect(byType.function).toMatchObject({ action: 'update', reason: 'code changed' });
    expect(byType['event-source-mapping']).toMatchObject({ action: 'update', reason: 'batchSize 10 → 50' });
    const lambda = new LambdaClient(await accountClients(accounts.central));
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).BatchSize).toBe(50);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: fnName() }));
    expect(fn.Configuration?.CodeSha256).toBe((byType.function?.after as { codeSha256?: string } | undefined)?.codeSha256);
  });

  it('plans a create-only change (starting position) as a replace that needs --allow-replace', async () => {
    const ws = withSubscription(fixture, { batchSize: 50, startingPosition: 'LATEST' });
    const dry = await apply(ws, true, [], true);
    const change = dry.plan.changes.find((c) => c.ref.type === 'event-source-mapping');
    expect(change).toMatchObject({ action: 'replace', requiresFlag: '--allow-replace' });
    expect(change?.reason).toMatch(/^startingPosition TRIM_HORIZON → LATEST \(create-only/);
    await expect(apply(ws, true)).rejects.toMatchObject({ code: 'ChangeNeedsFlag' });

    await apply(ws, true, ['--allow-replace']);
    const lambda = new LambdaClient(await accountClients(accounts.central));
    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const again = await apply(ws, true, [], true);
    const now = again.plan.changes.find((c) => c.ref.type === 'event-source-mapping');
    expect(now?.action).toBe('noop');
    const newUuid = String(now?.attributes?.uuid ?? '');
    expect(newUuid).not.toBe(uuid);
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: newUuid }));
    expect(mapping).toMatchObject({ StartingPosition: 'LATEST', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: group() } });
  });

  it('unsubscribing deletes the mapping, then the function, then the role', async () => {
    const ws = withSubscription(fixture, { batchSize: 50, startingPosition: 'LATEST' });
    const { plan } = await runPlanes({
      workspace: ws,
      target: 'aws',
      clients,
      signal: new AbortController().signal,
      scope: {
        removals: [{ product: 'listen-events', domain: 'recommendations', stream: true, table: false }],
        include: { publish: false, subscriptions: true },
      },
      factories: [createStreamsPlane],
      allowed: new Set(['--allow-delete']),
    });
    expect(plan.changes.map((c) => `${c.action} ${c.ref.type}`).sort()).toEqual([
      'delete event-source-mapping',
      'delete execution-role',
      'delete function',
    ]);
    const byType = Object.fromEntries(plan.changes.map((c) => [c.ref.type, c]));
    expect(byType.function?.dependsOn).toEqual([byType['event-source-mapping']?.key]);
    expect(byType['execution-role']?.dependsOn).toEqual([byType.function?.key]);
    const config = await accountClients(accounts.central);
    await expect(new LambdaClient(config).send(new GetFunctionCommand({ FunctionName: fnName() }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      new IAMClient(config).send(new GetRolePolicyCommand({ RoleName: `${fnName()}-exec`, PolicyName: 'mesh-execution' })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });
});
