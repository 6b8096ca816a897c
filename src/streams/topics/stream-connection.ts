/**
 * Where a mesh's streams live, as a StreamTransport (for produce, tail, the local function runner and topic admin
 * through Kafka). The target is picked in ../open-port.ts (openStreamConnection, re-exported here):
 *   local: the embedded log at <mesh.localDir>/streams.db, or a Kafka broker when mesh.streaming is `kafka` (here);
 *   aws:   `kafka` → kafkajs at those brokers; `msk` → kafkajs at GetBootstrapBrokers' brokers, with MSK IAM auth
 *          (signed with the credentials of the account mesh uses for the cluster) when the cluster has IAM enabled
 *          (aws/msk-connection.ts).
 */
import path from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import type { AccountAccess, Target, Workspace } from '../../workspace/model.js';
import type { StreamTransport } from '../transport/index.js';

export { openStreamConnection } from '../open-port.js';

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
  /** Who needs the clients, for the error when they are missing (MSK). */
  readonly clientsFor?: string;
  /** The account whose credentials sign MSK IAM auth (default: the account mesh uses for the cluster). */
  readonly access?: AccountAccess;
  readonly clientId?: string;
}

/** A local pseudo-ARN for `eventSourceArn` in events delivered by the local runner. */
export function localEventSourceArn(workspace: Workspace): string {
  const region = workspace.mesh.central.region;
  return `arn:aws:kafka:${region}:000000000000:cluster/mesh-local-${workspace.mesh.name}/local`;
}

/** kafkajs at the brokers the mesh names (`streaming.kind: kafka`), on either target. */
export async function kafkaConnection(options: OpenStreamOptions, eventSourceArn: string): Promise<StreamConnection | undefined> {
  const { workspace } = options;
  const streaming = workspace.mesh.streaming;
  if (streaming.kind !== 'kafka') return undefined;
  const { createKafkaTransport } = await import('../transport/index.js');
  return {
    transport: createKafkaTransport({ brokers: streaming.brokers, clientId: options.clientId ?? `mesh-${workspace.mesh.name}` }),
    description: `kafka ${streaming.brokers.join(',')}`,
    bootstrapServers: streaming.brokers.join(','),
    eventSourceArn,
  };
}

/** local: the Kafka broker the mesh names, else the embedded log. */
export async function openLocalConnection(options: OpenStreamOptions): Promise<StreamConnection> {
  const { workspace } = options;
  const kafka = await kafkaConnection(options, localEventSourceArn(workspace));
  if (kafka) return kafka;
  const transportModule = await import('../transport/index.js');
  const transport = await transportModule.openEmbeddedLog(workspace.mesh.localDir);
  return {
    transport,
    description: `embedded log (${path.relative(workspace.root, path.join(workspace.mesh.localDir, transportModule.EMBEDDED_LOG_FILE)) || 'streams.db'})`,
    bootstrapServers: `file://${path.join(workspace.mesh.localDir, transportModule.EMBEDDED_LOG_FILE)}`,
    eventSourceArn: localEventSourceArn(workspace),
  };
}
