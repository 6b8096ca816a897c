import {
  type Change,
  type ChangeOf,
  type Comparison,
  type DesiredResource,
  keyOf,
  type ObservedResource,
  type Plan,
  type ResourceType,
  summarize,
} from './plan.js';

export interface PlanOptions<T extends ResourceType> {
  /** Compares a desired spec with what exists. Default: deep equality → noop, else update. */
  readonly compare?: (desired: DesiredResource<T>, observed: ObservedResource<T>) => Comparison;
  /**
   * Keys of observed resources that mesh manages and that are no longer desired are planned as delete (or revoke),
   * but only for these scopes (e.g. the products being published); nothing else is ever deleted.
   */
  readonly pruneScope?: (observed: ObservedResource<T>) => boolean;
  /** Flag required to apply deletes. */
  readonly deleteFlag?: string;
}

/** JSON-stable deep equality for plain data (key order ignored). */
export function sameSpec(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

const defaultCompare = <T extends ResourceType>(d: DesiredResource<T>, o: ObservedResource<T>): Comparison =>
  sameSpec(d.spec, o.spec) ? { action: 'noop', reason: 'up to date' } : { action: 'update', reason: 'differs from the files' };

/**
 * A change from the fields every change has. `type` is `ref.type`: desired and observed resources are paired by key,
 * and the key starts with the type, so both specs are of that type. This is the one place a change is assembled from
 * a (desired, observed) pair whose correlation TypeScript cannot follow.
 */
function changeFor<T extends ResourceType>(fields: Omit<ChangeOf<T>, 'type'>): Change<T> {
  return { type: fields.ref.type, ...fields } as unknown as Change<T>;
}

/** The pure planner: desired vs observed → ordered changes. No I/O. */
export function createPlan<T extends ResourceType>(
  desired: readonly DesiredResource<T>[],
  observed: readonly ObservedResource<T>[],
  options: PlanOptions<T> = {},
): { readonly changes: Change<T>[]; readonly summary: Plan['summary'] } {
  const compare = options.compare ?? defaultCompare<T>;
  const observedByKey = new Map<string, ObservedResource<T>>(observed.map((o) => [keyOf(o.ref), o]));
  const desiredKeys = new Set<string>();
  const changes: Change<T>[] = [];

  for (const d of desired) {
    const key = keyOf(d.ref);
    desiredKeys.add(key);
    const o = observedByKey.get(key);
    const dependsOn = [...(d.dependsOn ?? [])];
    if (!o) {
      changes.push(
        changeFor<T>({
          key,
          action: d.isGrant ? 'grant' : 'create',
          ref: d.ref,
          reason: d.isGrant ? 'not granted yet' : 'does not exist',
          after: d.spec,
          dependsOn,
        }),
      );
      continue;
    }
    const verdict = compare(d, o);
    changes.push(
      changeFor<T>({
        key,
        action: verdict.action === 'update' && d.isGrant ? 'grant' : verdict.action,
        ref: d.ref,
        reason: verdict.reason,
        before: o.spec,
        after: d.spec,
        dependsOn,
        attributes: o.attributes,
        ...(verdict.breaking ? { breaking: true, requiresFlag: '--allow-breaking' } : {}),
        ...(verdict.action === 'replace' && !verdict.breaking ? { requiresFlag: '--allow-replace' } : {}),
      }),
    );
  }

  if (options.pruneScope) {
    for (const o of observed) {
      const key = keyOf(o.ref);
      if (desiredKeys.has(key) || !options.pruneScope(o)) continue;
      const isGrant = o.ref.type.endsWith('grant');
      changes.push(
        changeFor<T>({
          key,
          action: isGrant ? 'revoke' : 'delete',
          ref: o.ref,
          reason: 'no longer in the files',
          before: o.spec,
          dependsOn: [],
          attributes: o.attributes,
          ...(isGrant ? {} : { requiresFlag: options.deleteFlag ?? '--allow-delete' }),
        }),
      );
    }
  }
  return { changes: orderChanges(changes), summary: summarize(changes) };
}

/**
 * Topological order: a change comes after the changes it depends on (`dependsOn` is execution order, as the apply
 * engine reads it, for removals too: a plane that must revoke before it deletes makes the delete depend on the
 * revoke). Removals come after creates and updates. Stable for equal ranks so plans render the same on every machine.
 */
export function orderChanges<C extends Pick<Change, 'key' | 'action' | 'dependsOn'>>(changes: readonly C[]): C[] {
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (c: C): number => {
    const known = depth.get(c.key);
    if (known !== undefined) return known;
    if (visiting.has(c.key)) return 0; // cycles are a planner bug; keep going rather than hang
    visiting.add(c.key);
    let d = 0;
    for (const dep of c.dependsOn) {
      const parent = byKey.get(dep);
      if (parent) d = Math.max(d, depthOf(parent) + 1);
    }
    visiting.delete(c.key);
    depth.set(c.key, d);
    return d;
  };
  const removal = (c: C) => c.action === 'delete' || c.action === 'revoke';
  return [...changes].sort((a, b) => {
    const ra = removal(a) ? 1 : 0;
    const rb = removal(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    const da = depthOf(a);
    const db = depthOf(b);
    if (da !== db) return da - db;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}
