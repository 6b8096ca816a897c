/**
 * The stream connection on the aws target: kafkajs at the brokers the mesh names (`streaming.kind: kafka`), or at an
 * MSK cluster's GetBootstrapBrokers' brokers, with MSK IAM auth (signed with the credentials of `access`, default the
 * account mesh uses for the cluster) when the cluster has IAM enabled.
 */
import { type AwsClients, requireClients } from '../../../aws/clients.js';
import { configError } from '../../../core/errors.js';
import type { Workspace } from '../../../workspace/model.js';
import { kafkaConnection, type OpenStreamOptions, type StreamConnection } from '../stream-connection.js';
import { clusterAccess, describeMskCluster, type MskClusterInfo, mskBootstrap } from './msk-cluster.js';

export async function openAwsConnection(options: OpenStreamOptions): Promise<StreamConnection> {
  const { workspace } = options;
  const streaming = workspace.mesh.streaming;
  const kafka = await kafkaConnection(options, streaming.kind === 'kafka' ? `kafka://${streaming.brokers.join(',')}` : '');
  if (kafka) return kafka;
  if (streaming.kind !== 'msk') {
    throw configError('StreamingNotOnAws', 'The aws target needs streaming.kind msk (or kafka with brokers) in mesh.yaml.', {
      hint: 'Set streaming: { kind: msk, clusterArn: …, account: …, region: … }, or run with --target local.',
      location: { file: workspace.meshFile, path: 'streaming' },
    });
  }
  const clients = requireClients(options.clients, options.clientsFor ?? 'The MSK stream connection');
  const { createKafkaTransport } = await import('../../transport/index.js');
  const { info, brokers } = await mskBrokers(workspace, clients);
  const access = options.access ?? clusterAccess(workspace);
  const credentials = brokers.auth === 'iam' ? await clients.credentialsFor(access) : undefined;
  const transport = createKafkaTransport({
    brokers: brokers.brokers,
    clientId: options.clientId ?? `mesh-${workspace.mesh.name}`,
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
async function mskBrokers(
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
