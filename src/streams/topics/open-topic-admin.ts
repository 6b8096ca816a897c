/**
 * Picks how the streams plane manages topics for a target:
 *   local            → the embedded log (or the Kafka broker the mesh names)
 *   aws + kafka      → kafkajs admin at those brokers
 *   aws + msk        → the MSK topic API when DescribeClusterV2 says Provisioned and Kafka ≥ 3.6;
 *                      otherwise kafkajs admin at GetBootstrapBrokers' brokers (MSK IAM auth when enabled)
 */
import type { AwsClients } from '../../aws/clients.js';
import { MeshError } from '../../core/errors.js';
import type { Output } from '../../io/output.js';
import type { Target, Workspace } from '../../workspace/model.js';
import { clusterAccess, describeMskCluster, supportsTopicApi } from './msk-cluster.js';
import { mskTopicAdmin } from './msk-topic-admin.js';
import { openStreamConnection } from './stream-connection.js';
import { type TopicAdmin, transportTopicAdmin } from './topic-admin.js';

export interface OpenTopicAdminOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly clients?: AwsClients;
  readonly output: Output;
  readonly signal?: AbortSignal;
}

export async function openTopicAdmin(options: OpenTopicAdminOptions): Promise<TopicAdmin> {
  const { workspace, target } = options;
  const streaming = workspace.mesh.streaming;
  if (target === 'aws' && streaming.kind === 'msk') {
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
      return mskTopicAdmin({ client, clusterArn: streaming.clusterArn, output: options.output, signal: options.signal });
    }
    options.output.debug(
      `MSK topic API not available (${info.type}, Kafka ${info.kafkaVersion ?? 'unknown'}): managing topics with kafkajs admin.`,
    );
  }
  const connection = await openStreamConnection({
    workspace,
    target,
    clients: options.clients,
    clientId: `mesh-${workspace.mesh.name}-admin`,
  });
  return transportTopicAdmin(connection.transport, connection.description);
}
