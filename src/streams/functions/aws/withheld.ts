/**
 * Stream subscriptions that access withholds, on aws (stream-access.ts decides): an existing event source mapping is
 * disabled (`Enabled: false`), without a flag, as the table plane revokes a grant whose access ended. Disabling is
 * the least destructive change that stops delivery: the mapping keeps its consumer group's offsets, and a renewed
 * approval enables it again (the subscription's plan compares `enabled`). The function is kept; its execution role
 * covers only the subscriptions access allows (planAwsFunctions), and the role of a function access withholds
 * entirely is narrowed here to read no topic, after its mappings are disabled (IAM alone authorises a function in the
 * cluster's account; the cluster policy, planned without withheld subscriptions, covers the others). Without a
 * mapping, the plan lists the subscription as withheld (a no-op).
 */
import { type Change, keyOf } from '../../../engine/plan.js';
import { createPlan } from '../../../engine/planner.js';
import { subscriptionsOfFunction, type WithheldStreamSubscription } from '../stream-subscriptions.js';
import { observeMapping } from './event-source-mapping.js';
import { compareExecutionRole, observeExecutionRole } from './execution-role.js';
import {
  type AwsFunctionsContext,
  clientsFor,
  clusterArnOf,
  executionRoleFor,
  mappingRef,
  mappingSpecFor,
  roleRef,
} from './subscription.js';

export async function planAwsWithheld(
  ctx: AwsFunctionsContext,
  withheld: readonly WithheldStreamSubscription[],
): Promise<Change<'event-source-mapping' | 'execution-role'>[]> {
  if (withheld.length === 0) return [];
  const clusterArn = clusterArnOf(ctx);
  const changes: Change<'event-source-mapping' | 'execution-role'>[] = [];
  const byFunction = new Map<string, WithheldStreamSubscription[]>();
  for (const { resolved: s, reason } of withheld) {
    const { lambda } = await clientsFor(ctx, s.domain);
    const spec = mappingSpecFor(ctx, s, clusterArn);
    const ref = mappingRef(s.domain, spec.functionName, s.product.name, s.port.topic);
    const found = await observeMapping(lambda, spec);
    const fnKey = `${s.domain.name}/${s.stream.function}`;
    byFunction.set(fnKey, [...(byFunction.get(fnKey) ?? []), { resolved: s, reason }]);
    const base = { type: 'event-source-mapping' as const, key: keyOf(ref), ref, dependsOn: [] };
    if (found && found.spec.enabled !== false) {
      changes.push({
        ...base,
        action: 'update',
        reason: `withheld: ${reason}; the mapping is disabled`,
        before: found.spec,
        after: { ...found.spec, enabled: false },
        attributes: { uuid: found.uuid, withheld: reason },
      });
    } else {
      changes.push({
        ...base,
        action: 'noop',
        reason: `withheld: ${reason}`,
        ...(found ? { before: found.spec, after: found.spec } : {}),
        attributes: { ...(found ? { uuid: found.uuid } : {}), withheld: reason },
      });
    }
  }
  // A function none of whose subscriptions access allows: its role no longer reads any topic (after its mappings stop).
  const stopped = changes.filter((c) => c.action === 'update').map((c) => c.key);
  for (const list of byFunction.values()) {
    const first = list[0]?.resolved;
    if (!first || subscriptionsOfFunction(ctx.workspace, first.domain, first.stream.function).length > 0) continue;
    const { iam } = await clientsFor(ctx, first.domain);
    const spec = executionRoleFor(
      ctx,
      first.domain,
      first.stream.function,
      [],
      list.map((w) => w.resolved),
      clusterArn,
    );
    const observed = await observeExecutionRole(iam, spec);
    if (!observed) continue;
    const ref = roleRef(first.domain, spec.roleName);
    const reason = `withheld: ${list.map((w) => w.reason).join('; ')}; the role reads no topic`;
    for (const c of createPlan(
      [{ ref, spec, dependsOn: stopped }],
      [{ ref, spec: observed.spec, attributes: { roleArn: observed.roleArn } }],
      {
        compare: (d, o) => compareExecutionRole(d.spec, o.spec),
      },
    ).changes) {
      changes.push(c.action === 'update' ? { ...c, reason } : c);
    }
  }
  return changes;
}
