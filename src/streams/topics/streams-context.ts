/**
 * What the streams plane opens while it plans and applies, each on first use and closed once: AWS clients, the
 * topic admin, the schema registry and (local target) the stream transport. On local the topic admin and the
 * function/group resources share one transport (one SQLite connection or one kafkajs client).
 */
import { AwsClients } from '../../aws/clients.js';
import type { PlaneEnv } from '../../engine/plane.js';
import type { AccountAccess } from '../../workspace/model.js';
import type { LambdaPackage } from '../functions/handler-bundle.js';
import type { SchemaRegistry } from '../schema/index.js';
import { clusterAccess } from './msk-cluster.js';
import { openTopicAdmin } from './open-topic-admin.js';
import { openStreamConnection, type StreamConnection } from './stream-connection.js';
import { type TopicAdmin, transportTopicAdmin } from './topic-admin.js';

export class StreamsContext {
  private awsClients: AwsClients | undefined;
  private adminPromise: Promise<TopicAdmin> | undefined;
  private connectionPromise: Promise<StreamConnection> | undefined;
  private registryPromise: Promise<SchemaRegistry & { close?: () => void }> | undefined;
  /** Lambda packages built while planning, reused when applying (the plan holds only their CodeSha256). */
  readonly packages = new Map<string, LambdaPackage>();
  /** The consumer domain each planned function-plane change belongs to (its account access). */
  readonly owners = new Map<string, string>();

  constructor(readonly env: PlaneEnv) {}

  get workspace() {
    return this.env.workspace;
  }

  clients(): AwsClients {
    this.awsClients ??= new AwsClients(this.env.aws);
    return this.awsClients;
  }

  /** Local target only: the transport the runner, producers and groups use. */
  connection(): Promise<StreamConnection> {
    this.connectionPromise ??= openStreamConnection({ workspace: this.workspace, target: this.env.target });
    this.connectionPromise.catch(() => {
      this.connectionPromise = undefined;
    });
    return this.connectionPromise;
  }

  topicAdmin(): Promise<TopicAdmin> {
    this.adminPromise ??=
      this.env.target === 'local'
        ? this.connection().then((c) => transportTopicAdmin(c.transport, c.description, false))
        : openTopicAdmin({
            workspace: this.workspace,
            target: 'aws',
            clients: this.clients(),
            output: this.env.output,
            signal: this.env.signal,
          });
    this.adminPromise.catch(() => {
      this.adminPromise = undefined;
    });
    return this.adminPromise;
  }

  /** Where the mesh's schema registry lives on aws: the central account (one registry per mesh). */
  registryAccess(): AccountAccess {
    return this.workspace.mesh.central;
  }

  schemaRegistry(): Promise<SchemaRegistry> {
    this.registryPromise ??= (async () => {
      const schema = await import('../schema/index.js');
      if (this.env.target === 'local') return schema.LocalSchemaRegistry.open(this.workspace.mesh.localDir);
      const { GlueClient } = await import('@aws-sdk/client-glue');
      const client = await this.clients().get(GlueClient, this.registryAccess());
      return new schema.GlueSchemaRegistry({ client });
    })();
    this.registryPromise.catch(() => {
      this.registryPromise = undefined;
    });
    return this.registryPromise;
  }

  clusterAccess(): AccountAccess {
    return clusterAccess(this.workspace);
  }

  async close(): Promise<void> {
    const admin = this.adminPromise ? await this.adminPromise.catch(() => undefined) : undefined;
    await admin?.close();
    const connection = this.connectionPromise ? await this.connectionPromise.catch(() => undefined) : undefined;
    await connection?.transport.close();
    const registry = this.registryPromise ? await this.registryPromise.catch(() => undefined) : undefined;
    registry?.close?.();
    this.awsClients?.destroy();
    this.adminPromise = undefined;
    this.connectionPromise = undefined;
    this.registryPromise = undefined;
  }
}
