// The real-account environment of the lifecycle test (MESH_TEST_AWS=1), exercised on moto: accounts named by id and
// reached by assuming a role from the current credentials, resolved with STS, then every account and the cluster's
// brokers reached through it. The variables it checks are handed over without AWS_ENDPOINT_URL (which it refuses);
// the SDK still takes the endpoint from this process's environment, so its calls land on moto, not on AWS.
import { IAMClient, paginateListRoles } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { testKafka, uniqueTopic } from '../support/kafka.js';
import { freshAccountId, TEST_ROLE_NAME } from '../support/moto.js';
import { createMskCluster } from './aws-example-setup.js';
import { lifecycleEnvironment } from './aws-lifecycle-environment.js';

const [central, producer, consumer] = [freshAccountId(), freshAccountId(), freshAccountId()] as [string, string, string];

async function variables(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const { arn } = await createMskCluster(central, '3.5.1');
  return {
    MESH_TEST_AWS: '1',
    MESH_TEST_MSK_CLUSTER_ARN: arn,
    MESH_TEST_CENTRAL_ACCOUNT: central,
    MESH_TEST_PRODUCER_ACCOUNT: producer,
    MESH_TEST_CONSUMER_ACCOUNT: consumer,
    MESH_TEST_ROLE_NAME: TEST_ROLE_NAME,
    MESH_TEST_MSK_VPC_CONNECTION_ARN: `arn:aws:kafka:us-east-1:${consumer}:vpc-connection/${central}/c/abcd`,
    MESH_TEST_RUN_ID: 'beef4567',
    ...extra,
  };
}

describe('the aws environment of the lifecycle test, on moto', () => {
  it('resolves the three accounts through STS and reaches each with the assumed role', async () => {
    const vars = await variables();
    const env = await lifecycleEnvironment(vars);
    expect(env.kind).toBe('aws');
    expect(env.runId).toBe('beef4567');
    expect(env.region).toBe('us-east-1');
    expect(env.replicationFactor).toBe(3);
    expect(env.accounts).toEqual({
      central,
      users: producer,
      songs: producer,
      podcasts: producer,
      interactions: producer,
      recommendations: consumer,
      analytics: consumer,
    });
    expect(env.access('central')).toEqual({ roleArn: `arn:aws:iam::${central}:role/${TEST_ROLE_NAME}` });
    expect(env.access('songs')).toEqual({ roleArn: `arn:aws:iam::${producer}:role/${TEST_ROLE_NAME}` });
    expect(env.access('analytics')).toEqual({ roleArn: `arn:aws:iam::${consumer}:role/${TEST_ROLE_NAME}` });
    expect(env.vpcConnectionArn).toBe(vars.MESH_TEST_MSK_VPC_CONNECTION_ARN);
    // Each account's own client: a role made in one is seen there and nowhere else.
    const { CreateRoleCommand } = await import('@aws-sdk/client-iam');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const iamOf = async (account: string) => new IAMClient({ ...(await env.clientConfig(account)) });
    const made = await iamOf(producer);
    await made.send(new CreateRoleCommand({ RoleName: 'probe-beef4567', AssumeRolePolicyDocument: trust }));
    made.destroy();
    for (const account of [central, producer, consumer]) {
      const iam = await iamOf(account);
      const names: string[] = [];
      for await (const page of paginateListRoles({ client: iam }, {})) names.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
      iam.destroy();
      expect(names.includes('probe-beef4567'), account).toBe(account === producer);
    }
    await expect(env.clientConfig('123412341234')).rejects.toThrow('none of the test');
  });

  it("reaches the cluster's brokers as GetBootstrapBrokers names them", async () => {
    const env = await lifecycleEnvironment(await variables());
    const topic = uniqueTopic('life-env');
    const admin = testKafka('mesh-life-env').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const through = (await env.kafka()).admin();
    await through.connect();
    try {
      expect(await through.listTopics()).toContain(topic);
    } finally {
      await through.disconnect();
    }
  });

  it('refuses a consumer account outside the cluster account without a VPC connection, and AWS_ENDPOINT_URL', async () => {
    const vars = await variables();
    delete vars.MESH_TEST_MSK_VPC_CONNECTION_ARN;
    await expect(lifecycleEnvironment(vars)).rejects.toThrow('MESH_TEST_MSK_VPC_CONNECTION_ARN: the consumer account');
    await expect(lifecycleEnvironment({ ...(await variables()), AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).rejects.toThrow(
      'AWS_ENDPOINT_URL*: unset it',
    );
    // The consumers in the cluster's account need no VPC connection, and get none.
    const same = await lifecycleEnvironment({ ...vars, MESH_TEST_CONSUMER_ACCOUNT: central });
    expect(same.vpcConnectionArn).toBeUndefined();
    expect(same.accounts.recommendations).toBe(central);
  });
});
