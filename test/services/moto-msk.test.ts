// MSK control plane in moto (patched by scripts/moto_launcher.py) pointing at the real local broker,
// and a Lambda event source mapping on the cluster ARN.
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateClusterV2Command,
  DescribeClusterV2Command,
  GetBootstrapBrokersCommand,
  KafkaClient,
  ListClustersV2Command,
} from '@aws-sdk/client-kafka';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers, testKafka, uniqueTopic } from '../support/kafka.js';
import { type AccountClientConfig, accountClients, freshAccounts } from '../support/moto.js';

const { producer: account } = freshAccounts();
let config: AccountClientConfig;
let kafkaControl: KafkaClient;
let clusterArn: string;

beforeAll(async () => {
  config = await accountClients(account);
  kafkaControl = new KafkaClient(config);
  const created = await kafkaControl.send(
    new CreateClusterV2Command({
      ClusterName: 'orders-msk',
      Provisioned: {
        BrokerNodeGroupInfo: { ClientSubnets: ['subnet-1', 'subnet-2'], InstanceType: 'kafka.m5.large' },
        KafkaVersion: '3.9.x',
        NumberOfBrokerNodes: 2,
      },
    }),
  );
  if (!created.ClusterArn) throw new Error('CreateClusterV2 returned no ARN');
  clusterArn = created.ClusterArn;
});

describe('MSK in moto', () => {
  it('reports the cluster ACTIVE with a parseable creation time', async () => {
    const { ClusterInfo } = await kafkaControl.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }));
    expect(ClusterInfo?.State).toBe('ACTIVE');
    expect(ClusterInfo?.ClusterName).toBe('orders-msk');
    // AWS's form, `cluster/<name>/<uuid>` (the launcher's patch; moto alone answers `cluster/<uuid>`).
    expect(clusterArn).toMatch(new RegExp(`^arn:aws:kafka:us-east-1:${account}:cluster/orders-msk/[0-9a-f-]{36}$`));
    expect(ClusterInfo?.CreationTime).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - (ClusterInfo?.CreationTime?.getTime() ?? 0))).toBeLessThan(5 * 60_000);

    const listed = await kafkaControl.send(new ListClustersV2Command({}));
    expect(listed.ClusterInfoList?.map((c) => c.ClusterArn)).toEqual([clusterArn]);
  });

  it('answers NotFoundException for an unknown cluster', async () => {
    const unknown = clusterArn.replace(/[0-9a-f]{8}-/, '00000000-');
    await expect(kafkaControl.send(new DescribeClusterV2Command({ ClusterArn: unknown }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('returns the local broker as bootstrap brokers, and kafkajs reaches it there', async () => {
    const brokers = await kafkaControl.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
    const expected = kafkaBrokers().join(',');
    expect(brokers.BootstrapBrokerString).toBe(expected);
    expect(brokers.BootstrapBrokerStringTls).toBe(expected);
    expect(brokers.BootstrapBrokerStringSaslIam).toBe(expected);
    expect(brokers.BootstrapBrokerStringSaslScram).toBe(expected);

    const kafka = testKafka('moto-msk', (brokers.BootstrapBrokerString ?? '').split(','));
    const admin = kafka.admin();
    const producer = kafka.producer();
    const topic = uniqueTopic('msk');
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(kafkaBrokers());
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'o-1', value: '{"order":1}' }] });
      expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '1', high: '1', low: '0' }]);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('creates, reads back and deletes a Lambda event source mapping on the cluster ARN', async () => {
    const iam = new IAMClient(config);
    const lambda = new LambdaClient(config);
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: 'orders-consumer-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const zip = zipSync({ 'index.mjs': strToU8('export const handler = async () => ({ batchItemFailures: [] });\n') });
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'orders-consumer',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role.Role?.Arn,
        Code: { ZipFile: zip },
      }),
    );

    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: clusterArn,
        FunctionName: 'orders-consumer',
        Topics: ['orders'],
        StartingPosition: 'TRIM_HORIZON',
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'mesh-orders' },
      }),
    );
    expect(created.UUID).toBeTruthy();

    const read = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
    expect(read.EventSourceArn).toBe(clusterArn);
    expect(read.Topics).toEqual(['orders']);
    expect(read.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId).toBe('mesh-orders');
    expect(read.BatchSize).toBe(100);
    expect(read.FunctionArn).toMatch(new RegExp(`^arn:aws:lambda:us-east-1:${account}:function:orders-consumer`));

    const listed = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: clusterArn }));
    expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual([created.UUID]);

    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });

    const unknownCluster = clusterArn.replace(/[0-9a-f]{8}-/, '00000000-');
    await expect(
      lambda.send(
        new CreateEventSourceMappingCommand({ EventSourceArn: unknownCluster, FunctionName: 'orders-consumer', Topics: ['orders'] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
