/**
 * How the streams plane manages topics on the aws target (the local adapter uses its own stream connection):
 *   kafka → kafkajs admin at those brokers
 *   msk   → the MSK topic API when DescribeClusterV2 says Provisioned and Kafka ≥ 3.6;
 *           otherwise kafkajs admin at GetBootstrapBrokers' brokers (MSK IAM auth when enabled)
 */
import type { AwsClients } from '../../../aws/clients.js';
import { MeshError } from '../../../core/errors.js';
import { emit, type IoHost } from '../../../core/messages.js';
import type { Workspace } from '../../../workspace/model.js';
import { type TopicAdmin, transportTopicAdmin } from '../topic-admin.js';
import { clusterAccess, describeMskCluster, supportsTopicApi } from './msk-cluster.js';
import { openAwsConnection } from './msk-connection.js';
import { mskTopicAdmin } from './msk-topic-admin.js';

export interface OpenTopicAdminOptions {
  readonly workspace: Workspace;
  readonly clients?: AwsClients;
  readonly host: IoHost;
  readonly signal?: AbortSignal;
}

export async function openTopicAdmin(options: OpenTopicAdminOptions): Promise<TopicAdmin> {
  const { workspace } = options;
  const streaming = workspace.mesh.streaming;
  if (streaming.kind === 'msk') {
    if (!options.clients) throw new MeshError('InternalError', 'openTopicAdmin needs AWS clients for MSK.');
    const { KafkaClient } = await import('@aws-sdk/client-kafka');
    const client = await options.clients.get(KafkaClient, clusterAccess(workspace));
    const info = await describeMskCluster(client, streaming.clusterArn);
    if (info.state !== 'ACTIVE') {
      throw new MeshError('ClusterNotActive', `The MSK cluster ${streaming.clusterArn} is ${info.state}, not ACTIVE.`, {
        hint: 'Topics can be managed once the cluster is ACTIVE; re-run then (`mesh doctor` shows the cluster state).',
      });
    }
    if (supportsTopicApi(info)) {
      return mskTopicAdmin({ client, clusterArn: streaming.clusterArn, host: options.host, signal: options.signal });
    }
    emit(options.host, 'debug', 'streams.topics.kafka-admin', {
      clusterType: info.type,
      ...(info.kafkaVersion === undefined ? {} : { kafkaVersion: info.kafkaVersion }),
    });
  }
  const connection = await openAwsConnection({
    workspace,
    target: 'aws',
    clients: options.clients,
    clientId: `mesh-${workspace.mesh.name}-admin`,
  });
  return transportTopicAdmin(connection.transport, connection.description);
}
