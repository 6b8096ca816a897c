/**
 * What mesh needs to know about the MSK cluster a mesh names: which topic path works (the MSK topic API needs
 * Provisioned and Kafka ≥ 3.6, read from DescribeClusterV2 currentBrokerSoftwareInfo.kafkaVersion), and where the
 * brokers are and how to authenticate (GetBootstrapBrokers).
 *
 * Broker choice: the SASL/IAM brokers with MSK IAM auth when the cluster says IAM is enabled (or when it is
 * Serverless, which is IAM only); otherwise the plaintext brokers; then TLS; then SASL/IAM as a last resort.
 * A cluster that reports no client authentication at all (moto) is reached over plaintext.
 */
import type { DescribeClusterV2CommandOutput, KafkaClient } from '@aws-sdk/client-kafka';
import { fromAwsError } from '../../../aws/errors.js';
import { MeshError } from '../../../core/errors.js';
import type { AccountAccess, Workspace } from '../../../workspace/model.js';

export interface MskClusterInfo {
  readonly clusterArn: string;
  readonly type: 'PROVISIONED' | 'SERVERLESS' | 'UNKNOWN';
  readonly state: string;
  /** e.g. `3.6.0`, `3.9.x.kraft`; undefined on Serverless. */
  readonly kafkaVersion?: string;
  readonly iamEnabled: boolean;
}

export interface MskBootstrap {
  readonly brokers: readonly string[];
  readonly auth: 'iam' | 'plaintext' | 'tls';
}

/** `3.6.0` → [3, 6]; `3.9.x.kraft` → [3, 9]; unparseable → undefined. */
export function parseKafkaVersion(version: string | undefined): readonly [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The MSK topic API works on Provisioned clusters running Kafka 3.6 or later. */
export function supportsTopicApi(info: MskClusterInfo): boolean {
  if (info.type !== 'PROVISIONED') return false;
  const version = parseKafkaVersion(info.kafkaVersion);
  if (!version) return false;
  const [major, minor] = version;
  return major > 3 || (major === 3 && minor >= 6);
}

export async function describeMskCluster(client: KafkaClient, clusterArn: string): Promise<MskClusterInfo> {
  const { DescribeClusterV2Command } = await import('@aws-sdk/client-kafka');
  let info: DescribeClusterV2CommandOutput;
  try {
    info = await client.send(new DescribeClusterV2Command({ ClusterArn: clusterArn }));
  } catch (error) {
    const e = fromAwsError(error, `describe MSK cluster ${clusterArn}`);
    if (e.code === 'AwsNotFound') {
      throw new MeshError('ClusterNotFound', `The MSK cluster ${clusterArn} does not exist (or is in another account or region).`, {
        hint: 'Check streaming.clusterArn, streaming.account and streaming.region in mesh.yaml.',
        cause: error,
      });
    }
    throw e;
  }
  const cluster = info.ClusterInfo;
  const type = cluster?.ClusterType === 'PROVISIONED' || cluster?.ClusterType === 'SERVERLESS' ? cluster.ClusterType : 'UNKNOWN';
  const auth = cluster?.Provisioned?.ClientAuthentication ?? cluster?.Serverless?.ClientAuthentication;
  return {
    clusterArn,
    type,
    state: cluster?.State ?? 'UNKNOWN',
    kafkaVersion: cluster?.Provisioned?.CurrentBrokerSoftwareInfo?.KafkaVersion ?? cluster?.CurrentVersion,
    iamEnabled: type === 'SERVERLESS' || Boolean(auth?.Sasl?.Iam?.Enabled),
  };
}

function split(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

export async function mskBootstrap(client: KafkaClient, info: MskClusterInfo): Promise<MskBootstrap> {
  const { GetBootstrapBrokersCommand } = await import('@aws-sdk/client-kafka');
  const out = await client.send(new GetBootstrapBrokersCommand({ ClusterArn: info.clusterArn })).catch((error: unknown) => {
    throw fromAwsError(error, `get the bootstrap brokers of ${info.clusterArn}`);
  });
  const iam = split(out.BootstrapBrokerStringSaslIam);
  const publicIam = split(out.BootstrapBrokerStringPublicSaslIam);
  const plain = split(out.BootstrapBrokerString);
  const tls = split(out.BootstrapBrokerStringTls);
  if (info.iamEnabled && iam.length > 0) return { brokers: iam, auth: 'iam' };
  if (info.iamEnabled && publicIam.length > 0) return { brokers: publicIam, auth: 'iam' };
  if (plain.length > 0) return { brokers: plain, auth: 'plaintext' };
  if (tls.length > 0) return { brokers: tls, auth: 'tls' };
  if (iam.length > 0) return { brokers: iam, auth: 'iam' };
  throw new MeshError('BrokersUnavailable', `MSK returned no bootstrap brokers for ${info.clusterArn} (cluster state ${info.state}).`, {
    hint: 'Wait until the cluster is ACTIVE, and check that a client authentication mode is enabled.',
  });
}

/**
 * How mesh reaches the cluster's account: the central account's access when it is the same account, or the access
 * of a domain living in that account, else the default credential chain in that account and region.
 */
export function clusterAccess(workspace: Workspace): AccountAccess {
  const streaming = workspace.mesh.streaming;
  if (streaming.kind !== 'msk') throw new MeshError('InternalError', 'clusterAccess needs an MSK mesh.');
  const central = workspace.mesh.central;
  const sameAccount = (a: AccountAccess) => a.account === streaming.account;
  const known = sameAccount(central) ? central : workspace.domains.find((d) => sameAccount(d.access))?.access;
  return known ? { ...known, region: streaming.region } : { account: streaming.account, region: streaming.region };
}
