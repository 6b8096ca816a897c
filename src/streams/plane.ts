/**
 * The streams plane (planes: streams, schemas, functions).
 *
 * publish scope, per product stream port:
 *   topic   (streams)  name = port.topic, partitions, replication factor, configs + retention.ms. More partitions is an
 *                      update; fewer fails the plan; a replication-factor change is a replace (--allow-replace, and
 *                      --allow-delete since the topic is deleted); nothing else ever deletes a topic.
 *   schema  (schemas)  registry mesh.schemaRegistry, schema name = topic. The compatibility check runs in the plan; an
 *                      incompatible version is a breaking change naming the field (--allow-breaking registers it as a
 *                      forced version); under DISABLED a new version is refused outright.
 * subscription scope (stream part), per consumer domain subscription with `stream`:
 *   local: dead-letter topic, consumer group (registered at its starting position), function record → `mesh dev`.
 *   aws:   dead-letter topic, execution role, Lambda function, event source mapping (create-only change → replace).
 *
 * Targets, through the streams port (port.ts; the adapter is picked in open-port.ts): local → the embedded log (or the
 * Kafka broker the mesh names) and the local schema registry; aws → MSK (topic API, or kafkajs over IAM) or Kafka
 * brokers, and the Glue Schema Registry in the central account.
 */
import { MeshError } from '../core/errors.js';
import { type Change, type Plan, summarize } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule, PlanScope } from '../engine/plane.js';
import { orderChanges } from '../engine/planner.js';
import { StreamsContext } from './context.js';
import { planSubscriptions } from './functions/subscription-resources.js';
import type { StreamsPort } from './port.js';
import { executeSchemaChange, executeTopicChange, planSchemas, planTopics, publishedProducts } from './topics/publish-resources.js';
import { topicSpecOf } from './topics/topic-spec.js';

export interface StreamsPlaneOptions {
  /** A ready port (tests). Default: the target's adapter. */
  readonly port?: StreamsPort;
}

export async function createStreamsPlane(env: PlaneEnv, options: StreamsPlaneOptions = {}): Promise<PlaneModule> {
  const ctx = await StreamsContext.open(env, options.port);
  return {
    planes: ['streams', 'schemas', 'functions'],

    async plan(scope: PlanScope): Promise<Plan> {
      const products = publishedProducts(env.workspace, scope).filter((p) => p.stream);
      const changes: Change[] = [];
      changes.push(
        ...(await planTopics(
          ctx,
          products.flatMap((p) => (p.stream ? [{ spec: topicSpecOf(p.stream), label: `${p.stream.topic} (${p.name})` }] : [])),
        )),
      );
      changes.push(...(await planSchemas(ctx, products)));
      const publishing = new Set(products.flatMap((p) => (p.stream ? [p.stream.topic] : [])));
      changes.push(...(await planSubscriptions(ctx, scope, publishing)));
      const unique = dedupe(changes);
      return { changes: orderChanges(unique), summary: summarize(unique) };
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      switch (change.type) {
        case 'topic':
          return executeTopicChange(ctx, change);
        case 'schema':
          return executeSchemaChange(ctx, change);
        case 'consumer-group':
        case 'function':
        case 'execution-role':
        case 'event-source-mapping':
        case 'msk-cluster-policy':
          return ctx.port.execute(change);
        default:
          throw new MeshError('InternalError', `The streams plane cannot apply ${change.key}.`);
      }
    },

    close: () => ctx.close(),
  };
}

/** A topic may be asked for twice (a product's topic and another subscription's dead-letter topic): keep the first. */
function dedupe(changes: readonly Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    if (seen.has(c.key)) return false;
    seen.add(c.key);
    return true;
  });
}
