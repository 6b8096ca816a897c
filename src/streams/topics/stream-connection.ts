/**
 * Where a mesh's streams live, per target, as a StreamTransport (for produce, tail, the local function runner and
 * topic admin through Kafka):
 *   local: the embedded log at <mesh.localDir>/streams.db, or a Kafka broker when mesh.streaming is `kafka`.
 *   aws:   `kafka` → kafkajs at those brokers; `msk` → kafkajs at GetBootstrapBrokers' brokers, with MSK IAM auth
 *          (signed with the credentials of the account mesh uses for the cluster) when the cluster has IAM enabled.
 */
import path from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import { configError } from '../../core/errors.js';
import type { AccountAccess, Target, Workspace } from '../../workspace/model.js';
import type { StreamTransport } from '../transport/index.js';
import { clusterAccess, describeMskCluster, type MskClusterInfo, mskBootstrap } from './msk-cluster.js';

export interface StreamConnection {
  readonly transport: StreamTransport;
  /** For messages: `embedded log (.mesh/local/streams.db)`, `kafka 127.0.0.1:19092`, `MSK … (IAM)`. */
  readonly description: string;
  /** What Lambda puts in `bootstrapServers` (comma-separated brokers, or the log file for the embedded log). */
  readonly bootstrapServers: string;
  /** The cluster ARN on MSK; a local pseudo-ARN otherwise (what the local runner puts in `eventSourceArn`). */
  readonly eventSourceArn: string;
}

export interface OpenStreamOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Needed for MSK (aws target). */
  readonly clients?: AwsClients;
  /** The account whose credentials sign MSK IAM auth (default: the account mesh uses for the cluster). */
  readonly access?: AccountAccess;
  readonly clientId?: string;
}

/** A local pseudo-ARN for `eventSourceArn` in events delivered by the local runner. */
export function localEventSourceArn(workspace: Workspace): string {
  const region = workspace.mesh.central.region;
  return `arn:aws:kafka:${region}:000000000000:cluster/mesh-local-${workspace.mesh.name}/local`;
}

export async function openStreamConnection(options: OpenStreamOptions): Promise<StreamConnection> {
  const { workspace, target } = options;
  const streaming = workspace.mesh.streaming;
  const transportModule = await import('../transport/index.js');
  const clientId = options.clientId ?? `mesh-${workspace.mesh.name}`;

  if (streaming.kind === 'kafka') {
    return {
      transport: transportModule.createKafkaTransport({ brokers: streaming.brokers, clientId }),
      description: `kafka ${streaming.brokers.join(',')}`,
      bootstrapServers: streaming.brokers.join(','),
      eventSourceArn: target === 'local' ? localEventSourceArn(workspace) : `kafka://${streaming.brokers.join(',')}`,
    };
  }
  if (target === 'local') {
    const transport = await transportModule.openEmbeddedLog(workspace.mesh.localDir);
    return {
      transport,
      description: `embedded log (${path.relative(workspace.root, path.join(workspace.mesh.localDir, transportModule.EMBEDDED_LOG_FILE)) || 'streams.db'})`,
      bootstrapServers: `file://${path.join(workspace.mesh.localDir, transportModule.EMBEDDED_LOG_FILE)}`,
      eventSourceArn: localEventSourceArn(workspace),
    };
  }
  if (streaming.kind !== 'msk') {
    throw configError('StreamingNotOnAws', 'The aws target needs streaming.kind msk (or kafka with brokers) in mesh.yaml.', {
      hint: 'Set streaming: { kind: msk, clusterArn: …, account: …, region: … }, or run with --target local.',
      location: { file: workspace.meshFile, path: 'streaming' },
    });
  }
  const clients = options.clients;
  if (!clients) throw configError('InternalError', 'openStreamConnection needs AWS clients for MSK.');
  const { info, brokers } = await mskBrokers(workspace, clients);
  const access = options.access ?? clusterAccess(workspace);
  const credentials = brokers.auth === 'iam' ? await clients.credentialsFor(access) : undefined;
  const transport = transportModule.createKafkaTransport({
    brokers: brokers.brokers,
    clientId,
    ...(brokers.auth === 'iam'
      ? { mskIam: { region: streaming.region, ...(credentials ? { credentials } : {}) } }
      : brokers.auth === 'tls'
        ? { ssl: true }
        : {}),
  });
  return {
    transport,
    description: `MSK ${info.clusterArn} (${brokers.auth === 'iam' ? 'IAM auth' : brokers.auth})`,
    bootstrapServers: brokers.brokers.join(','),
    eventSourceArn: info.clusterArn,
  };
}

/** DescribeClusterV2 + GetBootstrapBrokers in the cluster's account. */
export async function mskBrokers(
  workspace: Workspace,
  clients: AwsClients,
): Promise<{ info: MskClusterInfo; brokers: Awaited<ReturnType<typeof mskBootstrap>> }> {
  const streaming = workspace.mesh.streaming;
  if (streaming.kind !== 'msk') throw configError('InternalError', 'mskBrokers needs an MSK mesh.');
  const { KafkaClient } = await import('@aws-sdk/client-kafka');
  const kafka = await clients.get(KafkaClient, clusterAccess(workspace));
  const info = await describeMskCluster(kafka, streaming.clusterArn);
  return { info, brokers: await mskBootstrap(kafka, info) };
}
