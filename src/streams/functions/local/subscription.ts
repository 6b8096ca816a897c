/**
 * Stream subscriptions on the local target. Two resources per subscription (plus its dead-letter topic):
 *   - `consumer-group` (plane streams): the group registered on the local stream (embedded log or Kafka broker):
 *     with LATEST its position is pinned at the log end now (committed), so events produced between `mesh subscribe`
 *     and `mesh dev` are delivered, as with a Lambda mapping; with TRIM_HORIZON a group without commits starts at
 *     the log start anyway. Recorded in the local state. Changing the starting position of a registered group is a
 *     replace (its offsets are reset), needing --allow-replace.
 *   - `function` (plane functions): recorded in the local state with a hash of the handler folder; applying it
 *     builds the handler once so a build error shows up at subscribe time. `mesh dev` runs it.
 */
import { type Change, type DesiredResource, keyOf, type ObservedResource } from '../../../engine/plan.js';
import type { PlaneEnv } from '../../../engine/plane.js';
import { createPlan, sameSpec } from '../../../engine/planner.js';
import { consumerGroupId } from '../../../workspace/naming.js';
import type { ConsumerGroupSpec, FunctionRemoval, LocalFunctionSpec, SubscriptionChange } from '../../port.js';
import { isLocalFunction } from '../../resources.js';
import type { StreamConnection } from '../../topics/stream-connection.js';
import { buildHandler, hashHandlerFolder, resolveHandlerEntry } from '../handler-bundle.js';
import {
  groupByFunction,
  type ResolvedStreamSubscription,
  subscriptionsOfFunction,
  type WithheldStreamSubscription,
} from '../stream-subscriptions.js';

/** What the local subscription code needs from the adapter (LocalStreamsPort). */
export interface LocalFunctionsContext {
  readonly env: PlaneEnv;
  readonly workspace: PlaneEnv['workspace'];
  /** The local stream (embedded log or Kafka broker), shared with the topic admin. */
  connection(): Promise<StreamConnection>;
}

function consumerGroupRef(group: string) {
  return { plane: 'streams' as const, type: 'consumer-group' as const, id: group, label: group };
}

function localFunctionRef(domain: string, fn: string) {
  return { plane: 'functions' as const, type: 'function' as const, id: `local/${domain}/${fn}`, label: `${domain}/${fn}` };
}

function localFunctionSpec(ctx: LocalFunctionsContext, subs: readonly ResolvedStreamSubscription[]): LocalFunctionSpec {
  const first = subs[0];
  if (!first) throw new Error('localFunctionSpec needs at least one subscription');
  return {
    domain: first.domain.name,
    function: first.stream.function,
    handlerDir: first.stream.handlerDir,
    handler: first.stream.handler,
    handlerHash: hashHandlerFolder(first.stream.handlerDir),
    subscriptions: subs.map((s) => ({
      product: s.product.name,
      topic: s.port.topic,
      group: consumerGroupId(ctx.workspace.mesh, s.domain.name, s.product.name),
      startingPosition: s.stream.startingPosition,
      batchSize: s.stream.batchSize,
      batchingWindowSeconds: s.stream.batchingWindowSeconds,
      maximumRetryAttempts: s.stream.maximumRetryAttempts,
      deadLetterTopic: s.stream.deadLetterTopic,
    })),
    environment: Object.assign({}, ...subs.map((s) => s.stream.environment)),
  };
}

async function planConsumerGroups(
  ctx: LocalFunctionsContext,
  subs: readonly ResolvedStreamSubscription[],
): Promise<Change<'consumer-group'>[]> {
  const { transport } = await ctx.connection();
  const desired: DesiredResource<'consumer-group'>[] = [];
  const observed: ObservedResource<'consumer-group'>[] = [];
  for (const s of subs) {
    const spec: ConsumerGroupSpec = {
      group: consumerGroupId(ctx.workspace.mesh, s.domain.name, s.product.name),
      topic: s.port.topic,
      startingPosition: s.stream.startingPosition,
    };
    const ref = consumerGroupRef(spec.group);
    desired.push({ ref, spec, dependsOn: [`topic:${spec.topic}`] });
    const recorded = ctx.env.state.get(keyOf(ref))?.attributes?.spec as ConsumerGroupSpec | undefined;
    if (recorded?.group === spec.group && recorded.topic === spec.topic) {
      observed.push({ ref, spec: recorded });
      continue;
    }
    const committed = await transport.committedOffsets(spec.group, spec.topic).catch(() => []);
    if (committed.length > 0) observed.push({ ref, spec, attributes: { committed } });
  }
  return [
    ...createPlan(desired, observed, {
      compare: (d, o) =>
        d.spec.startingPosition === o.spec.startingPosition
          ? { action: 'noop', reason: 'registered' }
          : {
              action: 'replace',
              reason: `startingPosition ${o.spec.startingPosition} → ${d.spec.startingPosition} (the group's offsets are reset)`,
            },
    }).changes,
  ];
}

function planLocalFunctions(
  ctx: LocalFunctionsContext,
  functions: readonly { subs: readonly ResolvedStreamSubscription[]; dependsOn: string[] }[],
): Change<'function'>[] {
  const desired: DesiredResource<'function'>[] = [];
  const observed: ObservedResource<'function'>[] = [];
  for (const fn of functions) {
    const spec = localFunctionSpec(ctx, fn.subs);
    const ref = localFunctionRef(spec.domain, spec.function);
    desired.push({ ref, spec, dependsOn: fn.dependsOn });
    const recorded = ctx.env.state.get(keyOf(ref))?.attributes?.spec as LocalFunctionSpec | undefined;
    if (recorded) observed.push({ ref, spec: recorded });
  }
  return [
    ...createPlan(desired, observed, {
      compare: (d, o) => {
        if (sameSpec(d.spec, o.spec)) return { action: 'noop', reason: 'up to date' };
        const hash = (s: typeof d.spec) => (isLocalFunction(s) ? s.handlerHash : s.codeSha256);
        return { action: 'update', reason: hash(d.spec) !== hash(o.spec) ? 'handler code changed' : 'settings changed' };
      },
    }).changes,
  ];
}

async function executeConsumerGroupChange(
  ctx: LocalFunctionsContext,
  change: Change<'consumer-group'>,
): Promise<Record<string, unknown> | undefined> {
  const spec = change.after;
  if (!spec || change.action === 'delete') return undefined; // offsets are kept: resubscribing resumes
  const { transport } = await ctx.connection();
  const ranges = await transport.endOffsets(spec.topic);
  // TRIM_HORIZON needs no commit: a group without one starts at the log start. LATEST is pinned now.
  if (spec.startingPosition === 'LATEST' || change.action === 'replace') {
    for (const range of ranges) {
      await transport.commit(spec.group, spec.topic, range.partition, spec.startingPosition === 'TRIM_HORIZON' ? range.start : range.end);
    }
  }
  return { spec, partitions: ranges.length };
}

async function executeLocalFunctionChange(change: Change<'function'>): Promise<Record<string, unknown> | undefined> {
  const spec = change.after;
  if (!spec || change.action === 'delete' || !isLocalFunction(spec)) return undefined;
  const entry = resolveHandlerEntry(spec.handlerDir, spec.handler);
  await buildHandler({ handlerDir: spec.handlerDir, entry });
  return { spec };
}

/** The consumer groups of the subscriptions in scope, then one function record per function. */
export async function planLocalSubscriptions(
  ctx: LocalFunctionsContext,
  subs: readonly ResolvedStreamSubscription[],
): Promise<SubscriptionChange[]> {
  const groups = groupByFunction(ctx.workspace, subs);
  return [
    ...(await planConsumerGroups(ctx, subs)),
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
  ];
}

/** Unsubscribing: the function record is deleted when no subscription uses it, else updated to the remaining ones. */
export function planLocalRemoval(ctx: LocalFunctionsContext, removal: FunctionRemoval): SubscriptionChange[] {
  const { domain, fn, remaining } = removal;
  const ref = localFunctionRef(domain.name, fn);
  const recorded = ctx.env.state.get(keyOf(ref))?.attributes?.spec as LocalFunctionSpec | undefined;
  if (!recorded) return [];
  if (remaining.length === 0) {
    return [
      {
        type: 'function',
        key: keyOf(ref),
        action: 'delete',
        ref,
        reason: 'unsubscribed',
        before: recorded,
        dependsOn: [],
        requiresFlag: '--allow-delete',
      },
    ];
  }
  return [...createPlan([{ ref, spec: localFunctionSpec(ctx, remaining) }], [{ ref, spec: recorded }]).changes];
}

/**
 * Subscriptions that access withholds (stream-access.ts): each is listed on its consumer group as withheld (a no-op:
 * the group and its offsets are kept, and `mesh dev` runs only the subscriptions access allows). A function record
 * none of whose subscriptions is allowed any more is updated to list none (records of functions that keep some are
 * planned with those by planLocalSubscriptions).
 */
export function planLocalWithheld(ctx: LocalFunctionsContext, withheld: readonly WithheldStreamSubscription[]): SubscriptionChange[] {
  const changes: SubscriptionChange[] = [];
  const byFunction = new Map<string, WithheldStreamSubscription[]>();
  for (const w of withheld) {
    const s = w.resolved;
    const ref = consumerGroupRef(consumerGroupId(ctx.workspace.mesh, s.domain.name, s.product.name));
    const recorded = ctx.env.state.get(keyOf(ref))?.attributes?.spec as ConsumerGroupSpec | undefined;
    changes.push({
      type: 'consumer-group',
      key: keyOf(ref),
      action: 'noop',
      ref,
      reason: `withheld: ${w.reason}`,
      ...(recorded ? { before: recorded, after: recorded } : {}),
      dependsOn: [],
      attributes: { withheld: w.reason },
    });
    const fnKey = `${s.domain.name}/${s.stream.function}`;
    byFunction.set(fnKey, [...(byFunction.get(fnKey) ?? []), w]);
  }
  for (const list of byFunction.values()) {
    const first = list[0]?.resolved;
    if (!first || subscriptionsOfFunction(ctx.workspace, first.domain, first.stream.function).length > 0) continue;
    const ref = localFunctionRef(first.domain.name, first.stream.function);
    const recorded = ctx.env.state.get(keyOf(ref))?.attributes?.spec as LocalFunctionSpec | undefined;
    if (!recorded || recorded.subscriptions.length === 0) continue;
    const spec: LocalFunctionSpec = { ...localFunctionSpec(ctx, [first]), subscriptions: [] };
    const reason = `withheld: ${list.map((w) => w.reason).join('; ')}; the function delivers nothing`;
    changes.push({ type: 'function', key: keyOf(ref), action: 'update', ref, reason, before: recorded, after: spec, dependsOn: [] });
  }
  return changes;
}

/** Applies a consumer group or a function record; the aws-only types have nothing to do locally. */
export async function executeLocalChange(
  ctx: LocalFunctionsContext,
  change: SubscriptionChange,
): Promise<Record<string, unknown> | undefined> {
  if (change.type === 'consumer-group') return executeConsumerGroupChange(ctx, change);
  if (change.type === 'function') return executeLocalFunctionChange(change);
  return undefined;
}
