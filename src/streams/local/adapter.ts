/**
 * The streams port on the local target: one stream connection (the embedded log, or the Kafka broker the mesh names)
 * shared by the topic admin and the consumer groups, the local schema registry, and per subscription a consumer group
 * and a function record that `mesh dev` runs (functions/local/).
 */
import type { PlaneEnv } from '../../engine/plane.js';
import {
  executeLocalChange,
  type LocalFunctionsContext,
  planLocalRemoval,
  planLocalSubscriptions,
  planLocalWithheld,
} from '../functions/local/subscription.js';
import type { ResolvedStreamSubscription, WithheldStreamSubscription } from '../functions/stream-subscriptions.js';
import { lazy } from '../lazy-open.js';
import type { FunctionRemoval, StreamsPort, SubscriptionChange } from '../port.js';
import type { SchemaRegistry } from '../schema/index.js';
import { openLocalConnection, type StreamConnection } from '../topics/stream-connection.js';
import { type TopicAdmin, transportTopicAdmin } from '../topics/topic-admin.js';

export class LocalStreamsPort implements StreamsPort, LocalFunctionsContext {
  readonly target = 'local' as const;
  readonly topicPlacement = {};
  readonly targetFlag = '';
  private readonly conn = lazy(() => openLocalConnection({ workspace: this.workspace, target: 'local' }));
  private readonly admin = lazy(() => this.connection().then((c) => transportTopicAdmin(c.transport, c.description, false)));
  private readonly registry = lazy(async (): Promise<SchemaRegistry & { close?: () => void }> => {
    const { LocalSchemaRegistry } = await import('../schema/index.js');
    return LocalSchemaRegistry.open(this.workspace.mesh.localDir);
  });

  constructor(readonly env: PlaneEnv) {}

  get workspace() {
    return this.env.workspace;
  }

  connection(): Promise<StreamConnection> {
    return this.conn.get();
  }

  topicAdmin(): Promise<TopicAdmin> {
    return this.admin.get();
  }

  schemaRegistry(): Promise<SchemaRegistry> {
    return this.registry.get();
  }

  planFunctions(subscriptions: readonly ResolvedStreamSubscription[]): Promise<SubscriptionChange[]> {
    return planLocalSubscriptions(this, subscriptions);
  }

  async planWithheld(withheld: readonly WithheldStreamSubscription[]): Promise<SubscriptionChange[]> {
    return planLocalWithheld(this, withheld);
  }

  async planRemoval(removal: FunctionRemoval): Promise<SubscriptionChange[]> {
    return planLocalRemoval(this, removal);
  }

  execute(change: SubscriptionChange): Promise<Record<string, unknown> | undefined> {
    return executeLocalChange(this, change);
  }

  async close(): Promise<void> {
    await (await this.admin.opened())?.close();
    await (await this.conn.opened())?.transport.close();
    (await this.registry.opened())?.close?.();
    this.admin.reset();
    this.conn.reset();
    this.registry.reset();
  }
}
