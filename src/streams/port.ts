/**
 * The streams port: what the streams plane needs from a target. Two adapters implement it, chosen in one place
 * (open-port.ts):
 *   aws/   topics on MSK (topic API, or kafkajs over IAM) or Kafka brokers, the Glue Schema Registry in the central
 *          account, and per subscribed function an execution role, a Lambda function, event source mappings and the
 *          MSK cluster policy (functions/aws/);
 *   local/ topics on the embedded log (or the Kafka broker the mesh names), the local schema registry, and per
 *          subscription a consumer group and a function record that `mesh dev` runs (functions/local/).
 * Topics and schemas are observed and changed through the TopicAdmin and SchemaRegistry ports the adapter opens;
 * subscriptions through `planFunctions` (every subscription of the plan in one call, grouped by function) and `execute` (one change at a time, from what the change carries).
 */
import type { Change } from '../engine/plan.js';
import type { Domain, Target } from '../workspace/model.js';
import type { ResolvedStreamSubscription, WithheldStreamSubscription } from './functions/stream-subscriptions.js';
import type { SchemaRegistry } from './schema/index.js';
import type { TopicAdmin } from './topics/topic-admin.js';

/** local: a consumer group registered on the local stream at its starting position. */
export interface ConsumerGroupSpec {
  readonly group: string;
  readonly topic: string;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
}

/** local: the function record `mesh dev` runs (a hash of the handler folder; a Lambda function spec has a CodeSha256). */
export interface LocalFunctionSpec {
  readonly domain: string;
  readonly function: string;
  readonly handlerDir: string;
  readonly handler: string;
  readonly handlerHash: string;
  readonly subscriptions: readonly {
    readonly product: string;
    readonly topic: string;
    readonly group: string;
    readonly startingPosition: string;
    readonly batchSize: number;
    readonly batchingWindowSeconds: number;
    readonly maximumRetryAttempts: number;
    readonly deadLetterTopic: string;
  }[];
  readonly environment: Readonly<Record<string, string>>;
}

/** Products unsubscribed from one function, and the subscriptions it keeps. */
export interface FunctionRemoval {
  readonly domain: Domain;
  readonly fn: string;
  readonly products: readonly string[];
  readonly remaining: readonly ResolvedStreamSubscription[];
}

/** A stream subscription the plan removes (unsubscribe). */
export interface RemovedSubscription {
  readonly domain: string;
  readonly product: string;
}

export type SubscriptionResourceType = 'consumer-group' | 'function' | 'execution-role' | 'event-source-mapping' | 'msk-cluster-policy';
export type SubscriptionChange = Change<SubscriptionResourceType>;

export interface StreamsPort {
  readonly target: Target;
  /** Where the topics live, recorded on their refs: the MSK cluster's account and region on aws; nothing otherwise. */
  readonly topicPlacement: { readonly account?: string; readonly region?: string };
  /** What a "publish it first" hint adds to `mesh publish-product <name>` ('' on the default target). */
  readonly targetFlag: string;
  /** Opened on first use, closed by close(). */
  topicAdmin(): Promise<TopicAdmin>;
  schemaRegistry(): Promise<SchemaRegistry>;
  /**
   * Observes what the stream subscriptions in scope need on this target (all of them in one call, grouped by
   * function) and plans it. Their dead-letter topics are planned by the plane.
   */
  planFunctions(subscriptions: readonly ResolvedStreamSubscription[]): Promise<SubscriptionChange[]>;
  /**
   * Observes and plans what stops the delivery of stream subscriptions that access withholds (aws: their mappings
   * disabled; local: listed, and records of functions left with none updated), each listed with its reason.
   */
  planWithheld(withheld: readonly WithheldStreamSubscription[]): Promise<SubscriptionChange[]>;
  /** Observes and plans what an unsubscribe removes from (or changes in) one function. */
  planRemoval(removal: FunctionRemoval): Promise<SubscriptionChange[]>;
  /**
   * aws: the one document that lets every declared cross-account subscription reach the cluster (the MSK cluster
   * policy), planned once per plan that subscribes or unsubscribes, without the subscriptions the plan removes (the
   * domain file still declares them until the removal is applied). Absent where there is no such document.
   */
  planAccess?(removed: readonly RemovedSubscription[]): Promise<SubscriptionChange[]>;
  /** Performs one subscription change from what it carries. */
  execute(change: SubscriptionChange): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}
