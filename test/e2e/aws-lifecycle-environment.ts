// Where test/e2e/aws-lifecycle.test.ts runs: the one thing that differs between its two runs.
//
// - moto (default; part of `npm test`): seven fresh moto accounts (central + one per domain, reached by AssumeRole of
//   `mesh-test`), an MSK cluster created in moto whose bootstrap brokers are the real Kafka broker, and the test
//   services' endpoints.
// - aws (MESH_TEST_AWS=1, set by `npm run test:aws`): three real accounts named by profiles or by account ids + a role
//   to assume (central catalog; every producer domain; every consumer domain), the user's existing MSK cluster, and
//   AWS's default endpoints.
//
// Everything else (the workspace, the mesh commands, the reads through the SDK, the checks) is the same code for both.
import { randomBytes } from 'node:crypto';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { type AccountRole, AWS_VARIABLES, awsVariableProblems, ROLES } from '../../scripts/aws-test-variables.mjs';
import { createMskCluster, type DomainName, type ExampleAccounts, freshExampleAccounts } from './aws-example-setup.js';

export { AWS_VARIABLES, awsVariableProblems };

const roleOf = (domain: DomainName | 'central'): AccountRole =>
  domain === 'central' ? 'central' : domain === 'recommendations' || domain === 'analytics' ? 'consumer' : 'producer';

/** How mesh (and the test's own reads) reach an account: the domain file's `profile` or `roleArn`. */
export type AccountAccess = { readonly profile: string } | { readonly roleArn: string };

/** An SDK v3 client configuration acting in one account. */
export interface ClientConfig {
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider | { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly maxAttempts?: number;
}

export interface LifecycleEnvironment {
  readonly kind: 'moto' | 'aws';
  /** An id for this run: topics, buckets and the temporary folder carry it. */
  readonly runId: string;
  readonly region: string;
  readonly accounts: ExampleAccounts;
  readonly clusterArn: string;
  readonly replicationFactor: number;
  /** How each domain (and the central catalog) is reached; undefined: as the rewritten example says (moto). */
  access(domain: DomainName | 'central'): AccountAccess | undefined;
  /** The consumer domains' managed VPC connection, or undefined when the consumers share the cluster's account. */
  readonly vpcConnectionArn: string | undefined;
  clientConfig(account: string): Promise<ClientConfig>;
  /** A kafkajs client for the cluster's brokers, as the test reads them. */
  kafka(): Promise<Kafka>;
  /**
   * How long a read may take to show a change: 0 on moto (consistent at once: one read must pass); minutes on AWS
   * (IAM and Lake Formation are eventually consistent, and a new event source mapping takes minutes to start polling).
   */
  readonly settleMs: number;
}

/** The environment the variables select: aws when MESH_TEST_AWS=1, else moto. */
export async function lifecycleEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<LifecycleEnvironment> {
  return env.MESH_TEST_AWS === '1' ? awsEnvironment(env) : motoEnvironment();
}

async function motoEnvironment(): Promise<LifecycleEnvironment> {
  const { accountClients } = await import('../support/moto.js');
  const { testKafka } = await import('../support/kafka.js');
  const accounts = freshExampleAccounts();
  const { arn } = await createMskCluster(accounts.central, '3.5.1');
  return {
    kind: 'moto',
    runId: randomBytes(4).toString('hex'),
    region: 'us-east-1',
    accounts,
    clusterArn: arn,
    replicationFactor: 1,
    access: () => undefined,
    // The cluster is in the central account, the consumers in their own: rewriteExample gives them a (moto) connection.
    vpcConnectionArn: undefined,
    clientConfig: (account) => accountClients(account),
    kafka: async () => testKafka('mesh-lifecycle'),
    settleMs: 0,
  };
}

async function awsEnvironment(env: NodeJS.ProcessEnv): Promise<LifecycleEnvironment> {
  const problems = awsVariableProblems(env);
  if (problems.length > 0) throw new Error(`MESH_TEST_AWS=1 needs:\n  ${problems.join('\n  ')}`);
  const v = AWS_VARIABLES;
  const clusterArn = env[v.clusterArn] as string;
  const [, , , clusterRegion = '', clusterAccount = ''] = clusterArn.split(':');
  const region = env[v.region] || clusterRegion;
  const { fromIni, fromNodeProviderChain, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');

  const accessOf = {} as Record<AccountRole, AccountAccess>;
  const providers = new Map<string, AwsCredentialIdentityProvider>();
  const ids = {} as Record<AccountRole, string>;
  for (const role of ROLES) {
    const profile = env[v.profile[role]];
    const access: AccountAccess = profile ? { profile } : { roleArn: `arn:aws:iam::${env[v.account[role]]}:role/${env[v.roleName]}` };
    const credentials = memoized(
      'profile' in access
        ? fromIni({ profile: access.profile })
        : fromTemporaryCredentials({ params: { RoleArn: access.roleArn, RoleSessionName: 'mesh-test-aws' }, clientConfig: { region } }),
    );
    const sts = new STSClient({ region, credentials });
    try {
      ids[role] = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
    } catch (error) {
      const via = 'profile' in access ? `${v.profile[role]}=${access.profile}` : `${v.roleName} in ${v.account[role]}`;
      throw new Error(`The ${role} account (${via}): no credentials: ${(error as Error).message}`);
    } finally {
      sts.destroy();
    }
    const stated = env[v.account[role]];
    if (stated && stated !== ids[role]) {
      throw new Error(`${v.profile[role]} acts in account ${ids[role]}, not ${stated} (${v.account[role]})`);
    }
    accessOf[role] = access;
    providers.set(ids[role], credentials);
  }
  // The cluster's own account, when it is none of the three: the default credentials (as mesh reaches it then).
  if (!providers.has(clusterAccount)) providers.set(clusterAccount, memoized(fromNodeProviderChain()));
  if (ids.central === ids.producer || ids.central === ids.consumer || ids.producer === ids.consumer) {
    // Bucket names, roles and resource links would still differ; but one account per part is what a mesh models.
    process.stderr.write('note: two of the central, producer and consumer accounts are the same account\n');
  }
  const vpcConnectionArn = ids.consumer === clusterAccount ? undefined : env[v.vpcConnectionArn];
  if (ids.consumer !== clusterAccount && !vpcConnectionArn) {
    throw new Error(
      `The consumer account ${ids.consumer} is not the cluster's account ${clusterAccount}: Lambda reaches the cluster from it only through a managed VPC connection. Set ${v.vpcConnectionArn} (aws kafka create-vpc-connection, in the consumer account).`,
    );
  }
  const accounts = Object.fromEntries(
    (['central', 'users', 'songs', 'podcasts', 'interactions', 'recommendations', 'analytics'] as const).map((d) => [d, ids[roleOf(d)]]),
  ) as ExampleAccounts;
  let kafka: Promise<Kafka> | undefined;
  const clientConfig = async (account: string): Promise<ClientConfig> => {
    const credentials = providers.get(account);
    if (!credentials) throw new Error(`account ${account} is none of the test's accounts`);
    return { region, credentials };
  };
  return {
    kind: 'aws',
    runId: env[v.runId] || randomBytes(4).toString('hex'),
    region,
    accounts,
    clusterArn,
    replicationFactor: Number(env[v.replicationFactor] ?? 3),
    access: (domain) => accessOf[roleOf(domain)],
    vpcConnectionArn,
    clientConfig,
    kafka: () => (kafka ??= mskKafka(clusterArn, region, providers.get(clusterAccount) as AwsCredentialIdentityProvider)),
    settleMs: 15 * 60_000,
  };
}

/** One set of credentials per account for the whole run (each read makes a new client), renewed 5 minutes before expiry. */
function memoized(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: ReturnType<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    current ??= provider();
    try {
      const credentials = await current;
      if (credentials.expiration && credentials.expiration.getTime() - Date.now() < 5 * 60_000) {
        current = undefined;
        return provider();
      }
      return credentials;
    } catch (error) {
      current = undefined;
      throw error;
    }
  };
}

/**
 * kafkajs at the cluster's brokers, chosen as mesh documents its choice (src/streams/topics/aws/msk-cluster.ts) but read
 * here with the SDK: MSK IAM (SASL OAUTHBEARER signed with the cluster account's credentials) when the cluster has IAM
 * enabled, the private listener before the public one; else plaintext; else TLS.
 */
async function mskKafka(clusterArn: string, region: string, provider: AwsCredentialIdentityProvider): Promise<Kafka> {
  const { KafkaClient, DescribeClusterV2Command, GetBootstrapBrokersCommand } = await import('@aws-sdk/client-kafka');
  const client = new KafkaClient({ region, credentials: provider });
  try {
    const cluster = (await client.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }))).ClusterInfo;
    const iamEnabled = cluster?.ClusterType === 'SERVERLESS' || Boolean(cluster?.Provisioned?.ClientAuthentication?.Sasl?.Iam?.Enabled);
    const out = await client.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
    const list = (s?: string) => (s ?? '').split(',').filter((b) => b.length > 0);
    const iam = [list(out.BootstrapBrokerStringSaslIam), list(out.BootstrapBrokerStringPublicSaslIam)].find((l) => l.length > 0) ?? [];
    const config: KafkaConfig = { clientId: 'mesh-test-aws', logLevel: logLevel.NOTHING, retry: { retries: 5 }, brokers: [] };
    if (iamEnabled && iam.length > 0) {
      const { generateAuthTokenFromCredentialsProvider } = await import('aws-msk-iam-sasl-signer-js');
      return new Kafka({
        ...config,
        brokers: iam,
        ssl: true,
        sasl: {
          mechanism: 'oauthbearer',
          oauthBearerProvider: async () => ({
            value: (await generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: provider })).token,
          }),
        },
      });
    }
    const plain = list(out.BootstrapBrokerString);
    if (plain.length > 0) return new Kafka({ ...config, brokers: plain });
    return new Kafka({ ...config, brokers: list(out.BootstrapBrokerStringTls), ssl: true });
  } finally {
    client.destroy();
  }
}
