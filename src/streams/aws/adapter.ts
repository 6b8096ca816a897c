/**
 * The streams port on the aws target: topics through the MSK topic API or kafkajs (topics/aws/), the Glue Schema
 * Registry in the central account (one registry per mesh), and per subscribed function an execution role, a Lambda
 * function, its event source mappings and the MSK cluster policy, in the consumer's account (functions/aws/).
 */
import { type AwsClients, requireClients } from '../../aws/clients.js';
import { MeshError } from '../../core/errors.js';
import type { PlaneEnv } from '../../engine/plane.js';
import {
  type AwsFunctionsContext,
  executeAwsFunctionChange,
  executeClusterPolicyChange,
  planAwsFunctions,
  planAwsRemoval,
  planCrossAccountAccess,
} from '../functions/aws/subscription.js';
import { planAwsWithheld } from '../functions/aws/withheld.js';
import type { LambdaPackage } from '../functions/handler-bundle.js';
import { groupByFunction, type ResolvedStreamSubscription, type WithheldStreamSubscription } from '../functions/stream-subscriptions.js';
import { lazy } from '../lazy-open.js';
import type { FunctionRemoval, RemovedSubscription, StreamsPort, SubscriptionChange } from '../port.js';
import type { SchemaRegistry } from '../schema/index.js';
import { openTopicAdmin } from '../topics/aws/open-topic-admin.js';
import type { TopicAdmin } from '../topics/topic-admin.js';

export class AwsStreamsPort implements StreamsPort, AwsFunctionsContext {
  readonly target = 'aws' as const;
  readonly targetFlag = ' --target aws';
  readonly packages = new Map<string, LambdaPackage>();
  private readonly admin = lazy(async () =>
    openTopicAdmin({ workspace: this.workspace, clients: this.clients(), host: this.env.host, signal: this.env.signal }),
  );
  private readonly registry = lazy(async (): Promise<SchemaRegistry & { close?: () => void }> => {
    const schema = await import('../schema/index.js');
    const { GlueClient } = await import('@aws-sdk/client-glue');
    const client = await this.clients().get(GlueClient, this.workspace.mesh.central);
    return new schema.GlueSchemaRegistry({ client });
  });

  constructor(readonly env: PlaneEnv) {}

  get workspace() {
    return this.env.workspace;
  }

  /** Topics on MSK are recorded with the cluster's account and region. */
  get topicPlacement(): { account?: string; region?: string } {
    const streaming = this.workspace.mesh.streaming;
    return streaming.kind === 'msk' ? { account: streaming.account, region: streaming.region } : {};
  }

  /** The run's AwsClients (PlaneEnv.clients): destroyed by whoever made them, not here. */
  clients(): AwsClients {
    return requireClients(this.env.clients, 'The streams plane');
  }

  topicAdmin(): Promise<TopicAdmin> {
    return this.admin.get();
  }

  schemaRegistry(): Promise<SchemaRegistry> {
    return this.registry.get();
  }

  planFunctions(subscriptions: readonly ResolvedStreamSubscription[]): Promise<SubscriptionChange[]> {
    return planAwsFunctions(this, groupByFunction(this.workspace, subscriptions));
  }

  planAccess(removed: readonly RemovedSubscription[]): Promise<SubscriptionChange[]> {
    return planCrossAccountAccess(this, removed);
  }

  planWithheld(withheld: readonly WithheldStreamSubscription[]): Promise<SubscriptionChange[]> {
    return planAwsWithheld(this, withheld);
  }

  planRemoval(removal: FunctionRemoval): Promise<SubscriptionChange[]> {
    return planAwsRemoval(this, removal.domain, removal.fn, removal.products, removal.remaining.length > 0);
  }

  execute(change: SubscriptionChange): Promise<Record<string, unknown> | undefined> {
    switch (change.type) {
      case 'msk-cluster-policy':
        return executeClusterPolicyChange(this, change);
      case 'consumer-group':
        throw new MeshError('InternalError', `The aws streams adapter cannot apply ${change.key} (a local consumer group).`);
      default:
        return executeAwsFunctionChange(this, change);
    }
  }

  async close(): Promise<void> {
    await (await this.admin.opened())?.close();
    (await this.registry.opened())?.close?.();
    this.admin.reset();
    this.registry.reset();
  }
}
