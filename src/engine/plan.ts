/**
 * Plans are plain, serialisable data. A plane observes what exists (through its port), states what should exist, and
 * the pure planner compares the two. The apply engine then performs the changes in dependency order.
 */
export type Plane = 'catalog' | 'streams' | 'schemas' | 'functions' | 'personalize' | 'bootstrap';
export type ChangeAction = 'create' | 'update' | 'replace' | 'grant' | 'revoke' | 'delete' | 'noop';

/** A resource mesh manages, identified by a deterministic key (`<type>:<id>`), e.g. `glue-table:222..:music_songs/songs`. */
export interface ResourceRef {
  readonly plane: Plane;
  /** e.g. `glue-database`, `glue-table`, `lf-grant`, `topic`, `schema`, `function`, `event-source-mapping`. */
  readonly type: string;
  /** Unique within the type. */
  readonly id: string;
  /** A short human label for the plan table. */
  readonly label?: string;
  readonly account?: string;
  readonly region?: string;
}

export interface DesiredResource<Spec = unknown> {
  readonly ref: ResourceRef;
  readonly spec: Spec;
  /** Keys of resources that must exist first. */
  readonly dependsOn?: readonly string[];
  /** Grants are planned as grant/revoke instead of create/delete. */
  readonly isGrant?: boolean;
}

export interface ObservedResource<Spec = unknown> {
  readonly ref: ResourceRef;
  readonly spec: Spec;
  /** Provider attributes worth recording (ARNs, versions, ids). */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export interface Comparison {
  readonly action: 'noop' | 'update' | 'replace';
  readonly reason: string;
  /** The change breaks subscribers (dropped or retyped column, incompatible schema). Needs `--allow-breaking`. */
  readonly breaking?: boolean;
}

export interface Change<Spec = unknown> {
  readonly key: string;
  readonly action: ChangeAction;
  readonly ref: ResourceRef;
  readonly reason: string;
  readonly before?: Spec;
  readonly after?: Spec;
  readonly dependsOn: readonly string[];
  readonly breaking?: boolean;
  /** The flag that must be passed for this change to be applied (e.g. `--allow-breaking`, `--allow-delete`). */
  readonly requiresFlag?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly grant: number;
  readonly revoke: number;
  readonly delete: number;
  readonly noop: number;
}

export interface Plan {
  readonly changes: readonly Change[];
  readonly summary: PlanSummary;
}

export function keyOf(ref: Pick<ResourceRef, 'type' | 'id'>): string {
  return `${ref.type}:${ref.id}`;
}

export function summarize(changes: readonly Change[]): PlanSummary {
  const s = { create: 0, update: 0, replace: 0, grant: 0, revoke: 0, delete: 0, noop: 0 };
  for (const c of changes) s[c.action]++;
  return s;
}

export function hasPendingChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'noop');
}

export function mergePlans(...plans: readonly Plan[]): Plan {
  const changes = plans.flatMap((p) => p.changes);
  return { changes, summary: summarize(changes) };
}
