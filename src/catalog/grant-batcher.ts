/**
 * Grants and revokes go to Lake Formation in batches (BatchGrantPermissions / BatchRevokePermissions), not one call
 * per change. The engine runs changes one by one; the batcher makes all grant changes of one catalog and action ready
 * together (they depend on the union of their dependencies), and the first of them to run performs the whole batch.
 * The others find their outcome already there.
 */
import { MeshError } from '../core/errors.js';
import type { Change } from '../engine/plan.js';
import type { CatalogChange, CatalogPort, CatalogSpec, GrantOutcome } from './port.js';

export function isGrantChange(change: Change): boolean {
  return change.ref.type === 'lf-grant' && (change.action === 'grant' || change.action === 'revoke');
}

function groupOf(change: Change): string {
  const spec = (change.after ?? change.before) as CatalogSpec | undefined;
  const catalog = spec && 'catalog' in spec ? spec.catalog : '';
  return `${catalog}|${change.action}`;
}

export class GrantBatcher {
  private readonly groupByKey = new Map<string, string>();
  private readonly members = new Map<string, CatalogChange[]>();
  private readonly runs = new Map<string, Promise<Map<string, GrantOutcome>>>();

  constructor(private readonly port: CatalogPort) {}

  /**
   * Registers the plan's grant changes and returns the changes with each group's dependencies unified, so the
   * members of a group become ready at the same time.
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
      this.members.get(group)?.push(c as CatalogChange);
      if (!deps.has(group)) deps.set(group, new Set());
      for (const d of c.dependsOn) if (pending.has(d)) deps.get(group)?.add(d);
    }
    return changes.map((c) => {
      const group = this.groupByKey.get(c.key);
      return group ? { ...c, dependsOn: [...(deps.get(group) ?? [])].sort() } : c;
    });
  }

  async run(change: Change): Promise<Record<string, unknown> | undefined> {
    const group = this.groupByKey.get(change.key);
    let outcomes = group ? this.runs.get(group) : undefined;
    if (!outcomes) {
      const batch = group ? (this.members.get(group) ?? []) : [change as CatalogChange];
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
