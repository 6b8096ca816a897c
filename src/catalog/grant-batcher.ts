/**
 * Grants and revokes go to Lake Formation in batches (BatchGrantPermissions / BatchRevokePermissions), not one call
 * per change. The engine runs changes one by one; the batcher makes all grant changes of one catalog and action ready
 * together (they depend on the union of their dependencies), and the first of them to run performs the whole batch.
 * The others find their outcome already there.
 */
import { MeshError } from '../core/errors.js';
import { type Change, specOf } from '../engine/plan.js';
import type { CatalogPort, GrantChange, GrantOutcome } from './port.js';

export function isGrantChange(change: Change): change is GrantChange {
  return change.type === 'lf-grant' && (change.action === 'grant' || change.action === 'revoke');
}

function groupOf(change: GrantChange): string {
  return `${specOf(change).catalog}|${change.action}`;
}

export class GrantBatcher {
  private readonly groupByKey = new Map<string, string>();
  private readonly members = new Map<string, GrantChange[]>();
  private readonly runs = new Map<string, Promise<Map<string, GrantOutcome>>>();

  constructor(private readonly port: CatalogPort) {}

  /**
   * Registers the plan's grant changes and returns them ordered for one batch per group: the group's first member (its
   * leader) depends on the union of the group's dependencies, and the other members on the leader, whose run sends
   * the whole batch. (The union on every member made a plan quadratic in size: at 1,000 tables about 7,600 grants ×
   * 6,400 dependencies, and `plan --json` overflowed a string.)
   */
  prepare<C extends Change>(changes: readonly C[]): C[] {
    this.groupByKey.clear();
    this.members.clear();
    this.runs.clear();
    const pending = new Set(changes.filter((c) => c.action !== 'noop').map((c) => c.key));
    const deps = new Map<string, Set<string>>();
    for (const c of changes) {
      if (!isGrantChange(c)) continue;
      const group = groupOf(c);
      this.groupByKey.set(c.key, group);
      if (!this.members.has(group)) this.members.set(group, []);
      this.members.get(group)?.push(c);
      if (!deps.has(group)) deps.set(group, new Set());
      for (const d of c.dependsOn) if (pending.has(d)) deps.get(group)?.add(d);
    }
    return changes.map((c) => {
      const group = this.groupByKey.get(c.key);
      if (!group) return c;
      const leader = this.members.get(group)?.[0]?.key;
      if (leader !== undefined && leader !== c.key) return { ...c, dependsOn: [leader] };
      return { ...c, dependsOn: [...(deps.get(group) ?? [])].filter((d) => this.groupByKey.get(d) !== group).sort() };
    });
  }

  async run(change: GrantChange): Promise<Record<string, unknown> | undefined> {
    const group = this.groupByKey.get(change.key);
    let outcomes = group ? this.runs.get(group) : undefined;
    if (!outcomes) {
      const batch = group ? (this.members.get(group) ?? []) : [change];
      outcomes = this.port.applyGrants(batch);
      if (group) this.runs.set(group, outcomes);
    }
    const outcome = (await outcomes).get(change.key);
    if (!outcome)
      throw new MeshError('InternalError', `No outcome for ${change.key} in its grant batch.`, { hint: 'This is a bug in mesh.' });
    if (!outcome.ok) throw outcome.error;
    return outcome.attributes;
  }
}
