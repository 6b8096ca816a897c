// The running example (`mesh init --example music-streaming`) switched to the aws target for the end-to-end test:
// every domain in a fresh moto account reached by AssumeRole, the central catalog in its own account, streaming on an
// MSK cluster created in moto (Kafka 3.5: topics through kafkajs at the real broker GetBootstrapBrokers answers), and
// what the example expects to exist before mesh runs (producer buckets; the Personalize bucket and service role).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateClusterV2Command, KafkaClient } from '@aws-sdk/client-kafka';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { isScalar, parseDocument, visit } from 'yaml';
import { accountClients, freshAccountId, TEST_ROLE_NAME } from '../support/moto.js';
import { vpcConnectionArnOf } from './aws-example-expect.js';

export const REGION = 'us-east-1';
export const PRODUCERS = ['users', 'songs', 'podcasts', 'interactions'] as const;
export const CONSUMERS = ['recommendations', 'analytics'] as const;
export type DomainName = (typeof PRODUCERS)[number] | (typeof CONSUMERS)[number];

/** The account ids the example ships with, by domain (and the central catalog). */
const EXAMPLE_ACCOUNTS: Record<DomainName | 'central', string> = {
  central: '111111111111',
  users: '222222222222',
  songs: '333333333333',
  podcasts: '444444444444',
  interactions: '555555555555',
  recommendations: '666666666666',
  analytics: '777777777777',
};

export type ExampleAccounts = Record<DomainName | 'central', string>;

/** Seven distinct unused accounts: one per domain, one for the central catalog. */
export function freshExampleAccounts(): ExampleAccounts {
  const ids = new Set<string>();
  while (ids.size < 7) ids.add(freshAccountId());
  const [central, users, songs, podcasts, interactions, recommendations, analytics] = [...ids] as string[];
  return { central, users, songs, podcasts, interactions, recommendations, analytics } as ExampleAccounts;
}

export const roleArnIn = (account: string) => `arn:aws:iam::${account}:role/${TEST_ROLE_NAME}`;

/** An MSK Provisioned cluster in the central account; Kafka 3.5.1 has no MSK topic API, so mesh falls back to kafkajs. */
export async function createMskCluster(account: string, kafkaVersion = '3.5.1'): Promise<{ arn: string; name: string }> {
  const kafka = new KafkaClient(await accountClients(account));
  const name = `mesh-e2e-${randomBytes(3).toString('hex')}`;
  try {
    const out = await kafka.send(
      new CreateClusterV2Command({
        ClusterName: name,
        Provisioned: {
          BrokerNodeGroupInfo: { ClientSubnets: ['subnet-1', 'subnet-2'], InstanceType: 'kafka.m5.large' },
          KafkaVersion: kafkaVersion,
          NumberOfBrokerNodes: 2,
        },
      }),
    );
    if (!out.ClusterArn) throw new Error('moto CreateClusterV2 returned no ClusterArn');
    return { arn: out.ClusterArn, name };
  } finally {
    kafka.destroy();
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });
}

export interface Rewrite {
  readonly accounts: ExampleAccounts;
  readonly clusterArn: string;
  /** Literal prefix of every topic, so runs on the shared broker never meet each other's topics. */
  readonly topicPrefix: string;
}

/**
 * Rewrites the scaffolded files (with the yaml package, comments kept): target aws, each account replaced by its
 * fresh one everywhere it appears (accounts, bucket names in locations, ARNs in permissions), a roleArn per
 * domain and for the central catalog, streaming on the MSK cluster, topics under a per-run prefix, and
 * replication factor 1 (the test broker is a single node).
 */
export function rewriteExample(root: string, rewrite: Rewrite): void {
  const swaps = Object.entries(EXAMPLE_ACCOUNTS).map(([domain, from]) => [from, rewrite.accounts[domain as DomainName]] as const);
  const swapAccounts = (text: string) => swaps.reduce((s, [from, to]) => s.replaceAll(from, to), text);
  for (const file of yamlFiles(path.join(root, 'domains')).concat(path.join(root, 'mesh.yaml'))) {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value === 'string') node.value = swapAccounts(node.value);
      },
    });
    const rel = path.relative(root, file);
    if (rel === 'mesh.yaml') {
      doc.set('target', 'aws');
      doc.setIn(['centralCatalog', 'roleArn'], roleArnIn(rewrite.accounts.central));
      doc.set('streaming', doc.createNode({ kind: 'msk', clusterArn: rewrite.clusterArn }));
      doc.setIn(['naming', 'topicPattern'], `${rewrite.topicPrefix}.{domain}.{entity}.v{major}`);
    } else if (rel.endsWith('domain.yaml')) {
      const account = doc.get('account');
      doc.set('roleArn', roleArnIn(String(isScalar(account) ? account.value : account)));
      // Consumers reach the cluster (in the central account) through a managed VPC connection in their own account.
      const name = String(doc.get('name'));
      if (doc.get('kind') === 'consumer') {
        doc.set('streamAccess', doc.createNode({ vpcConnectionArn: vpcConnectionArnOf(rewrite, name) }));
      }
    } else if (rel.endsWith('.odcs.yaml')) {
      const props = doc.get('customProperties') as { items: unknown[] } | undefined;
      for (const [i] of (props?.items ?? []).entries()) {
        if (doc.getIn(['customProperties', i, 'property']) === 'streamPort') {
          doc.setIn(['customProperties', i, 'value', 'replicationFactor'], 1);
        }
      }
    }
    writeFileSync(file, doc.toString());
  }
}

/** The bucket of a product's table location (`s3://bucket/prefix/`). */
export function bucketOf(location: string): string {
  const match = /^s3:\/\/([^/]+)\//.exec(location);
  if (!match?.[1]) throw new Error(`not an s3 location: ${location}`);
  return match[1];
}

export async function createBucket(account: string, bucket: string, policy?: object): Promise<void> {
  const s3 = new S3Client(await accountClients(account));
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (policy) await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
  } finally {
    s3.destroy();
  }
}

/** What `personalize train` checks before any billable call: the service role and the readable bucket. */
export async function preparePersonalize(account: string, bucket: string, roleName: string): Promise<void> {
  const principal = { Service: 'personalize.amazonaws.com' };
  await createBucket(account, bucket, {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PersonalizeS3BucketAccessPolicy',
        Effect: 'Allow',
        Principal: principal,
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      },
    ],
  });
  const iam = new IAMClient(await accountClients(account));
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    // The role's own S3 read (AWS asks for it as well as the bucket policy; the preflight checks both).
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'personalize-s3-read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
          ],
        }),
      }),
    );
  } finally {
    iam.destroy();
  }
}
