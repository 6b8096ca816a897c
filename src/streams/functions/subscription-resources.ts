/**
 * The subscription side of the streams plane, for both targets: the dead-letter topic here, then what the target's
 * port plans for the functions (local: the consumer group and the function record; aws: the execution role, the
 * Lambda function, the event source mappings and the cluster policy).
 * Removals (unsubscribe) delete the mapping, and the function and role once no subscription uses them; the
 * dead-letter topic and the group's offsets are kept (they hold data).
 */
import { MeshError } from '../../core/errors.js';
import type { Change } from '../../engine/plan.js';
import type { PlanScope } from '../../engine/plane.js';
import type { Domain } from '../../workspace/model.js';
import type { StreamsContext } from '../context.js';
import type { LocalFunctionSpec } from '../port.js';
import { planTopics } from '../topics/publish-resources.js';
import { deadLetterTopicSpec, topicSpecOf } from '../topics/topic-spec.js';
import { lambdaFunctionName } from './function-naming.js';
import {
  type ResolvedStreamSubscription,
  streamRemovalsInScope,
  streamSubscriptionsInScope,
  subscriptionsOfFunction,
  withheldStreamSubscriptions,
} from './stream-subscriptions.js';

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
          hint: `Publish it first: mesh publish-product ${s.product.name}${ctx.port.targetFlag}`,
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
    changes.push(...(await ctx.port.planFunctions(subs)));
  }
  // Access withheld (pending, expired, denied, revoked, columns not granted): delivery stops, without a flag.
  const withheld = withheldStreamSubscriptions(ctx.workspace, scope);
  const stopped = withheld.length > 0 ? await ctx.port.planWithheld(withheld) : [];
  changes.push(...stopped);
  const removed = streamRemovalsInScope(ctx.workspace, scope).map((r) => ({ domain: r.domain.name, product: r.product }));
  const removals = await planRemovals(ctx, scope);
  changes.push(...removals);
  if ((subs.length > 0 || removed.length > 0 || withheld.length > 0) && ctx.port.planAccess) {
    // The removed (or disabled) mappings stop reading before the policy stops letting them.
    const deleted = [...stopped, ...removals]
      .filter((c) => c.type === 'event-source-mapping' && (c.action === 'delete' || c.action === 'update'))
      .map((c) => c.key);
    for (const c of await ctx.port.planAccess(removed)) {
      changes.push(deleted.length > 0 ? { ...c, dependsOn: [...new Set([...c.dependsOn, ...deleted])] } : c);
    }
  }
  return changes;
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
    changes.push(...(await ctx.port.planRemoval({ domain, fn, products, remaining })));
  }
  return changes;
}
