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
import { type Change, type DesiredResource, keyOf, type ObservedResource } from '../../engine/plan.js';
import { createPlan, sameSpec } from '../../engine/planner.js';
import { consumerGroupId } from '../../workspace/naming.js';
import type { StreamsContext } from '../topics/streams-context.js';
import { buildHandler, hashHandlerFolder, resolveHandlerEntry } from './handler-bundle.js';
import type { ResolvedStreamSubscription } from './stream-subscriptions.js';

export interface ConsumerGroupSpec {
  readonly group: string;
  readonly topic: string;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
}

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

export function consumerGroupRef(group: string) {
  return { plane: 'streams' as const, type: 'consumer-group', id: group, label: group };
}

export function localFunctionRef(domain: string, fn: string) {
  return { plane: 'functions' as const, type: 'function', id: `local/${domain}/${fn}`, label: `${domain}/${fn}` };
}

export function localFunctionSpec(ctx: StreamsContext, subs: readonly ResolvedStreamSubscription[]): LocalFunctionSpec {
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

export async function planConsumerGroups(ctx: StreamsContext, subs: readonly ResolvedStreamSubscription[]): Promise<Change[]> {
  const { transport } = await ctx.connection();
  const desired: DesiredResource<ConsumerGroupSpec>[] = [];
  const observed: ObservedResource<ConsumerGroupSpec>[] = [];
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

export function planLocalFunctions(
  ctx: StreamsContext,
  functions: readonly { subs: readonly ResolvedStreamSubscription[]; dependsOn: string[] }[],
): Change[] {
  const desired: DesiredResource<LocalFunctionSpec>[] = [];
  const observed: ObservedResource<LocalFunctionSpec>[] = [];
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
        return { action: 'update', reason: d.spec.handlerHash !== o.spec.handlerHash ? 'handler code changed' : 'settings changed' };
      },
    }).changes,
  ];
}

export async function executeConsumerGroupChange(ctx: StreamsContext, change: Change): Promise<Record<string, unknown> | undefined> {
  const spec = change.after as ConsumerGroupSpec | undefined;
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

export async function executeLocalFunctionChange(change: Change): Promise<Record<string, unknown> | undefined> {
  const spec = change.after as LocalFunctionSpec | undefined;
  if (!spec || change.action === 'delete') return undefined;
  const entry = resolveHandlerEntry(spec.handlerDir, spec.handler);
  await buildHandler({ handlerDir: spec.handlerDir, entry });
  return { spec };
}
