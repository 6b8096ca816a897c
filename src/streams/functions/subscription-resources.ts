/**
 * The subscription side of the streams plane, for both targets: the dead-letter topic, then
 *   local: the consumer group and the local function record (local-subscription.ts);
 *   aws:   the execution role, the Lambda function and the event source mapping (aws-subscription.ts).
 * Removals (unsubscribe) delete the mapping, and the function and role once no subscription uses them; the
 * dead-letter topic and the group's offsets are kept (they hold data).
 */
import { ExitCode, MeshError } from '../../core/errors.js';
import { type Change, keyOf } from '../../engine/plan.js';
import type { PlanScope } from '../../engine/plane.js';
import { createPlan } from '../../engine/planner.js';
import type { Domain } from '../../workspace/model.js';
import { consumerGroupId } from '../../workspace/naming.js';
import { clusterAccess } from '../topics/msk-cluster.js';
import { planTopics } from '../topics/publish-resources.js';
import type { StreamsContext } from '../topics/streams-context.js';
import { deadLetterTopicSpec, topicSpecOf } from '../topics/topic-spec.js';
import { type AwsFunctionGroup, clusterArnOf, executeAwsFunctionChange, planAwsFunctions, planAwsRemoval } from './aws-subscription.js';
import { type ClusterPolicySpec, desiredClusterPolicy, planClusterPolicy, putClusterPolicy } from './cluster-policy.js';
import { lambdaFunctionName } from './function-naming.js';
import {
  consumerGroupRef,
  executeConsumerGroupChange,
  executeLocalFunctionChange,
  type LocalFunctionSpec,
  localFunctionRef,
  localFunctionSpec,
  planConsumerGroups,
  planLocalFunctions,
} from './local-subscription.js';
import {
  type ResolvedStreamSubscription,
  streamRemovalsInScope,
  streamSubscriptionsInScope,
  subscriptionsOfFunction,
} from './stream-subscriptions.js';

function groupByFunction(ctx: StreamsContext, subs: readonly ResolvedStreamSubscription[]): AwsFunctionGroup[] {
  const groups = new Map<string, AwsFunctionGroup>();
  for (const s of subs) {
    const key = `${s.domain.name}/${s.stream.function}`;
    const existing = groups.get(key);
    if (existing) (existing.inScope as ResolvedStreamSubscription[]).push(s);
    else
      groups.set(key, {
        domain: s.domain,
        fn: s.stream.function,
        all: subscriptionsOfFunction(ctx.workspace, s.domain, s.stream.function),
        inScope: [s],
      });
  }
  return [...groups.values()];
}

/** `publishing`: topics the same plan creates or updates (a subscription to them need not wait for a publish). */
export async function planSubscriptions(
  ctx: StreamsContext,
  scope: PlanScope,
  publishing: ReadonlySet<string> = new Set(),
): Promise<Change[]> {
  const subs = streamSubscriptionsInScope(ctx.workspace, scope);
  const changes: Change[] = [];
  if (subs.length > 0) {
    const admin = await ctx.topicAdmin();
    for (const s of subs) {
      if (!publishing.has(s.port.topic) && !(await admin.describe(s.port.topic))) {
        throw new MeshError('ProductNotPublished', `${s.product.name}'s topic ${s.port.topic} does not exist yet (${admin.via}).`, {
          hint: `Publish it first: mesh publish-product ${s.product.name}${ctx.env.target === 'aws' ? ' --target aws' : ''}`,
          exitCode: ExitCode.Usage,
        });
      }
    }
    changes.push(
      ...(await planTopics(
        ctx,
        subs.map((s) => ({
          spec: deadLetterTopicSpec(s.stream.deadLetterTopic, topicSpecOf(s.port)),
          label: `${s.stream.deadLetterTopic} (dead letters of ${s.domain.name}/${s.stream.function})`,
        })),
      )),
    );
    const groups = groupByFunction(ctx, subs);
    if (ctx.env.target === 'local') {
      changes.push(...(await planConsumerGroups(ctx, subs)));
      changes.push(
        ...planLocalFunctions(
          ctx,
          groups.map((g) => ({
            subs: g.all,
            dependsOn: g.inScope.flatMap((s) => [
              keyOf(consumerGroupRef(consumerGroupId(ctx.workspace.mesh, s.domain.name, s.product.name))),
              `topic:${s.stream.deadLetterTopic}`,
            ]),
          })),
        ),
      );
    } else {
      changes.push(...(await planAwsFunctions(ctx, groups)));
      changes.push(...(await planCrossAccountAccess(ctx)));
    }
  }
  changes.push(...(await planRemovals(ctx, scope)));
  return changes;
}

/**
 * The cluster policy statements for every stream subscription the workspace declares whose functions live in another
 * account than the cluster (all of them, not only this run's: the policy is one document).
 */
async function planCrossAccountAccess(ctx: StreamsContext): Promise<Change[]> {
  const clusterArn = clusterArnOf(ctx);
  const all = streamSubscriptionsInScope(ctx.workspace, { include: { publish: false, subscriptions: true } });
  const desired = desiredClusterPolicy(ctx.workspace, clusterArn, all);
  const { KafkaClient } = await import('@aws-sdk/client-kafka');
  const kafka = await ctx.clients().get(KafkaClient, clusterAccess(ctx.workspace));
  return planClusterPolicy(kafka, desired);
}

/** The function a removed subscription used: from the domain file, else from what the state recorded. */
function functionOfRemoval(
  ctx: StreamsContext,
  domain: Domain,
  product: string,
  resolved?: ResolvedStreamSubscription,
): string | undefined {
  if (resolved) return resolved.stream.function;
  for (const entry of ctx.env.state.all()) {
    const spec = entry.attributes?.spec as LocalFunctionSpec | undefined;
    if (spec?.domain === domain.name && spec.subscriptions?.some((s) => s.product === product)) return spec.function;
    const prefix = `event-source-mapping:${domain.access.account}/${lambdaFunctionName(ctx.workspace.mesh, domain.name, '')}`;
    if (entry.key.startsWith(prefix) && entry.key.endsWith(`/${product}`)) return entry.key.slice(prefix.length, -(product.length + 1));
  }
  return undefined;
}

async function planRemovals(ctx: StreamsContext, scope: PlanScope): Promise<Change[]> {
  const removals = streamRemovalsInScope(ctx.workspace, scope);
  const byFunction = new Map<string, { domain: Domain; fn: string; products: string[] }>();
  for (const removal of removals) {
    const fn = functionOfRemoval(ctx, removal.domain, removal.product, removal.resolved);
    if (!fn) continue; // nothing was ever subscribed on the stream
    const key = `${removal.domain.name}/${fn}`;
    const entry = byFunction.get(key) ?? { domain: removal.domain, fn, products: [] };
    entry.products.push(removal.product);
    byFunction.set(key, entry);
  }
  const changes: Change[] = [];
  for (const { domain, fn, products } of byFunction.values()) {
    const remaining = subscriptionsOfFunction(ctx.workspace, domain, fn).filter((s) => !products.includes(s.product.name));
    if (ctx.env.target === 'aws') {
      changes.push(...(await planAwsRemoval(ctx, domain, fn, products, remaining.length > 0)));
      continue;
    }
    const ref = localFunctionRef(domain.name, fn);
    const recorded = ctx.env.state.get(keyOf(ref))?.attributes?.spec as LocalFunctionSpec | undefined;
    if (!recorded) continue;
    if (remaining.length === 0) {
      changes.push({
        key: keyOf(ref),
        action: 'delete',
        ref,
        reason: 'unsubscribed',
        before: recorded,
        dependsOn: [],
        requiresFlag: '--allow-delete',
      });
    } else {
      changes.push(...createPlan([{ ref, spec: localFunctionSpec(ctx, remaining) }], [{ ref, spec: recorded }]).changes);
    }
  }
  return changes;
}

export async function executeFunctionsChange(ctx: StreamsContext, change: Change): Promise<Record<string, unknown> | undefined> {
  if (ctx.env.target === 'local') return executeLocalFunctionChange(change);
  if (change.ref.type === 'msk-cluster-policy') {
    const { KafkaClient } = await import('@aws-sdk/client-kafka');
    const kafka = await ctx.clients().get(KafkaClient, clusterAccess(ctx.workspace));
    return putClusterPolicy(kafka, change.after as ClusterPolicySpec);
  }
  return executeAwsFunctionChange(ctx, change);
}

export async function executeConsumerGroup(ctx: StreamsContext, change: Change): Promise<Record<string, unknown> | undefined> {
  return executeConsumerGroupChange(ctx, change);
}
