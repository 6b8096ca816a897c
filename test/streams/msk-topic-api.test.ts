// The MSK topic API adapter (moto has no topic API, so the SDK is mocked here): the exact CreateTopic request,
// DescribeTopic polled until ACTIVE, updates, adoption of a topic left by an interrupted run, and which path
// openTopicAdmin picks from DescribeClusterV2.
import {
  CreateTopicCommand,
  DescribeClusterV2Command,
  DescribeTopicCommand,
  GetBootstrapBrokersCommand,
  KafkaClient,
  UpdateTopicCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { silentHost } from '../../src/core/messages.js';
import { mskTopicAdmin } from '../../src/streams/topics/aws/msk-topic-admin.js';
import { openTopicAdmin } from '../../src/streams/topics/aws/open-topic-admin.js';
import { cliHostFor } from '../support/cli-harness.js';
import { makeFixture, recordingOutput } from './fixtures.js';

const kafka = mockClient(KafkaClient);
const clusterArn = 'arn:aws:kafka:us-east-1:123456789012:cluster/mesh/6f1b2c3d-1111-2222-3333-444455556666-2';
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64');
const notFound = Object.assign(new Error('Topic not found'), { name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
const sleeps: number[] = [];

function admin(output = recordingOutput()) {
  return mskTopicAdmin({
    client: new KafkaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    clusterArn,
    host: cliHostFor(output),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

beforeEach(() => {
  kafka.reset();
  sleeps.length = 0;
});
afterAll(() => kafka.restore());

describe('topics through the MSK topic API', () => {
  const spec = {
    name: 'music.interactions.listen-events.v1',
    partitions: 6,
    replicationFactor: 3,
    configs: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
  };

  it('sends CreateTopic as documented and polls DescribeTopic until ACTIVE', async () => {
    kafka.on(CreateTopicCommand).resolves({ TopicArn: 'arn:topic', TopicName: spec.name, Status: 'CREATING' });
    kafka
      .on(DescribeTopicCommand)
      .rejectsOnce(notFound)
      .resolvesOnce({ TopicName: spec.name, Status: 'CREATING' })
      .resolvesOnce({ TopicName: spec.name, Status: 'CREATING' })
      .resolves({ TopicName: spec.name, Status: 'ACTIVE', PartitionCount: 6, ReplicationFactor: 3, Configs: b64(spec.configs) });
    const output = recordingOutput();
    const attrs = await admin(output).create(spec);
    expect(kafka.commandCalls(CreateTopicCommand).map((c) => c.args[0].input)).toEqual([
      {
        ClusterArn: clusterArn,
        TopicName: spec.name,
        PartitionCount: 6,
        ReplicationFactor: 3,
        Configs: b64({ 'cleanup.policy': 'delete', 'retention.ms': '604800000' }),
      },
    ]);
    expect(kafka.commandCalls(DescribeTopicCommand)).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(attrs).toMatchObject({ topicArn: 'arn:topic', via: 'MSK topic API' });
    expect(output.stderr.join('')).toContain(`topic ${spec.name}: ACTIVE`);
  });

  it('reads a topic back with its configs decoded', async () => {
    kafka.on(DescribeTopicCommand).resolves({
      TopicName: spec.name,
      Status: 'ACTIVE',
      PartitionCount: 6,
      ReplicationFactor: 3,
      Configs: b64({ 'retention.ms': 604800000 }),
    });
    expect(await admin().describe(spec.name)).toEqual({
      name: spec.name,
      partitions: 6,
      replicationFactor: 3,
      configs: { 'retention.ms': '604800000' },
    });
    kafka.on(DescribeTopicCommand).rejects(notFound);
    expect(await admin().describe(spec.name)).toBeUndefined();
  });

  it('updates partitions and configs with UpdateTopic, keeping the other configs', async () => {
    kafka.on(DescribeTopicCommand).resolves({
      TopicName: spec.name,
      Status: 'ACTIVE',
      PartitionCount: 6,
      ReplicationFactor: 3,
      Configs: b64({ 'retention.ms': '1', 'min.insync.replicas': '2' }),
    });
    kafka.on(UpdateTopicCommand).resolves({ Status: 'UPDATING' });
    await admin().update(spec.name, { partitions: 12, configs: { 'retention.ms': '604800000' } });
    expect(kafka.commandCalls(UpdateTopicCommand)[0]?.args[0].input).toEqual({
      ClusterArn: clusterArn,
      TopicName: spec.name,
      PartitionCount: 12,
      Configs: b64({ 'min.insync.replicas': '2', 'retention.ms': '604800000' }),
    });
  });

  it('adopts a topic an interrupted run created, bringing it to the spec', async () => {
    kafka.on(CreateTopicCommand).rejects(Object.assign(new Error('exists'), { name: 'TopicExistsException' }));
    kafka
      .on(DescribeTopicCommand)
      .resolves({ TopicName: spec.name, Status: 'ACTIVE', PartitionCount: 3, ReplicationFactor: 3, Configs: b64(spec.configs) });
    kafka.on(UpdateTopicCommand).resolves({ Status: 'UPDATING' });
    await admin().create(spec);
    expect(kafka.commandCalls(UpdateTopicCommand)[0]?.args[0].input).toMatchObject({ PartitionCount: 6 });
  });

  it('turns MSK errors into actionable ones', async () => {
    kafka.on(DescribeTopicCommand).rejects(notFound);
    kafka.on(CreateTopicCommand).rejects(Object.assign(new Error('busy'), { name: 'ReassignmentInProgressException' }));
    await expect(admin().create(spec)).rejects.toMatchObject({ hint: expect.stringMatching(/reassignment is running/) });
  });
});

describe('choosing the topic path from DescribeClusterV2', () => {
  const fixture = makeFixture({ target: 'aws', streaming: { kind: 'msk', clusterArn, account: '123456789012', region: 'us-east-1' } });
  afterAll(() => fixture.cleanup());
  const cluster = (kafkaVersion: string, type: 'PROVISIONED' | 'SERVERLESS' = 'PROVISIONED') => ({
    ClusterInfo: {
      ClusterArn: clusterArn,
      ClusterType: type,
      State: 'ACTIVE' as const,
      ...(type === 'PROVISIONED'
        ? {
            Provisioned: {
              BrokerNodeGroupInfo: { ClientSubnets: [], InstanceType: 'kafka.m5.large' },
              NumberOfBrokerNodes: 3,
              CurrentBrokerSoftwareInfo: { KafkaVersion: kafkaVersion },
            },
          }
        : {}),
    },
  });
  const open = () => openTopicAdmin({ workspace: fixture.workspace, clients: new AwsClients(), host: silentHost });

  it('uses the topic API on Provisioned Kafka 3.6 and later', async () => {
    kafka.on(DescribeClusterV2Command).resolves(cluster('3.6.0'));
    expect((await open()).via).toBe('MSK topic API');
  });

  it('falls back to kafkajs admin at the bootstrap brokers otherwise', async () => {
    kafka.on(DescribeClusterV2Command).resolves(cluster('3.5.1'));
    kafka.on(GetBootstrapBrokersCommand).resolves({ BootstrapBrokerString: '127.0.0.1:1' });
    const admin = await open();
    expect(admin.via).toBe(`MSK ${clusterArn} (plaintext)`);
    expect(kafka.commandCalls(GetBootstrapBrokersCommand)[0]?.args[0].input).toEqual({ ClusterArn: clusterArn });
    await admin.close();
  });

  it('refuses to manage topics while the cluster is not ACTIVE', async () => {
    kafka.on(DescribeClusterV2Command).resolves({ ClusterInfo: { ...cluster('3.6.0').ClusterInfo, State: 'UPDATING' } });
    await expect(open()).rejects.toMatchObject({ code: 'ClusterNotActive' });
  });
});
