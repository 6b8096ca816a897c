/**
 * Plans are plain, serialisable data. A plane observes what exists (through its port), states what should exist, and
 * the pure planner compares the two. The apply engine then performs the changes in dependency order.
 *
 * A plan is a complete value: everything apply needs is in its changes (specs with resolved ARNs, the owner domain in
 * `ref.domain`, bundle hashes), never in state a plane kept while planning. `mesh plan --out` writes it to a file and
 * `mesh apply plan.json` applies it (src/engine/plan-file.ts).
 *
 * Resource types are declared by each plane, in its own folder, by declaration merging on `ResourceSpecs`: the key
 * is the resource type (the `<type>` of its `<type>:<id>` key), the value the spec type its changes carry:
 *
 *   // src/personalize/resources.ts
 *   import type { DatasetGroupSpec, CampaignSpec } from './port.js';
 *   declare module '../engine/plan.js' {
 *     interface ResourceSpecs {
 *       'personalize-dataset-group': DatasetGroupSpec;
 *       'personalize-campaign': CampaignSpec;
 *     }
 *   }
 *
 * and the file is imported (`import './resources.js'` or a type import) by the plane's module so the types are in
 * every program that uses the plane. Then a `Change` is a union over those types with a top-level `type`
 * discriminant, and `switch (change.type)` narrows `before`/`after` with no cast:
 *
 *   switch (change.type) {
 *     case 'personalize-campaign': return deployCampaign(change.after);   // CampaignSpec | undefined
 *   }
 *
 * Build refs with `resourceRef('personalize-campaign', …)` (or a literal typed `ResourceRef<'personalize-campaign'>`)
 * and changes with a literal `type` equal to `ref.type`; a plane's changes are `Change<MyTypes>` where
 * `type MyTypes = 'personalize-dataset-group' | 'personalize-campaign'`, and `isChangeOf(change, MY_TYPES)` narrows a
 * `Change` handed to `execute`.
 */
export type Plane = 'catalog' | 'streams' | 'schemas' | 'functions' | 'personalize' | 'transforms' | 'bootstrap';
export type ChangeAction = 'create' | 'update' | 'replace' | 'grant' | 'revoke' | 'delete' | 'noop';

/** Resource type → spec type. Filled in by declaration merging from each plane (see above). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging from each plane
export interface ResourceSpecs {}

/** Every resource type a plane declares, e.g. `glue-table`, `topic`, `function`. */
export type ResourceType = keyof ResourceSpecs;

/** A resource mesh manages, identified by a deterministic key (`<type>:<id>`), e.g. `glue-table:222..:music_songs/songs`. */
export interface ResourceRef<T extends ResourceType = ResourceType> {
  readonly plane: Plane;
  readonly type: T;
  /** Unique within the type. */
  readonly id: string;
  /** A short human label for the plan table. */
  readonly label?: string;
  readonly account?: string;
  readonly region?: string;
  /** The domain whose account access performs the change (aws: its role in `account`), when it is not the central account. */
  readonly domain?: string;
}

interface DesiredOf<T extends ResourceType> {
  readonly ref: ResourceRef<T>;
  readonly spec: ResourceSpecs[T];
  /** Keys of resources that must exist first. */
  readonly dependsOn?: readonly string[];
  /** Grants are planned as grant/revoke instead of create/delete. */
  readonly isGrant?: boolean;
}

interface ObservedOf<T extends ResourceType> {
  readonly ref: ResourceRef<T>;
  readonly spec: ResourceSpecs[T];
  /** Provider attributes worth recording (ARNs, versions, ids). */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** A resource that should exist: a union keyed by resource type (`ref.type` decides the spec's type). */
export type DesiredResource<T extends ResourceType = ResourceType> = { [K in T]: DesiredOf<K> }[T];
/** A resource that exists: a union keyed by resource type. */
export type ObservedResource<T extends ResourceType = ResourceType> = { [K in T]: ObservedOf<K> }[T];

export interface Comparison {
  readonly action: 'noop' | 'update' | 'replace';
  readonly reason: string;
  /** The change breaks subscribers (dropped or retyped column, incompatible schema). Needs `--allow-breaking`. */
  readonly breaking?: boolean;
}

/** One change to one resource of type T. */
export interface ChangeOf<T extends ResourceType> {
  /** The resource type (= `ref.type`): the discriminant that narrows `before` and `after`. */
  readonly type: T;
  readonly key: string;
  readonly action: ChangeAction;
  readonly ref: ResourceRef<T>;
  readonly reason: string;
  /** What exists (absent for a create). */
  readonly before?: ResourceSpecs[T];
  /** What should exist (absent for a delete or revoke). */
  readonly after?: ResourceSpecs[T];
  readonly dependsOn: readonly string[];
  readonly breaking?: boolean;
  /** The flag that must be passed for this change to be applied (e.g. `--allow-breaking`, `--allow-delete`). */
  readonly requiresFlag?: string;
  /** Provider attributes observed with `before` (ARNs, ids), or the planner's evidence (e.g. schema problems). */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** A change: a union keyed by resource type, `switch (change.type)` narrows it. `Change<'topic' | 'schema'>` for a subset. */
export type Change<T extends ResourceType = ResourceType> = { [K in T]: ChangeOf<K> }[T];

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

export function keyOf(ref: { readonly type: string; readonly id: string }): string {
  return `${ref.type}:${ref.id}`;
}

/** A ref of one resource type (the type stays a literal, so changes built from it narrow). */
export function resourceRef<T extends ResourceType>(type: T, fields: Omit<ResourceRef<T>, 'type'>): ResourceRef<T> {
  return { ...fields, type };
}

/** Narrows a change to the types a plane handles: `if (isChangeOf(change, TOPIC_TYPES)) …`. */
export function isChangeOf<T extends ResourceType>(change: Change, types: readonly T[]): change is Extract<Change, { readonly type: T }> {
  return (types as readonly ResourceType[]).includes(change.type);
}

/** What a change is about: its `after`, or for a delete or revoke its `before`. A change with neither is a planner bug. */
export function specOf<T extends ResourceType>(change: ChangeOf<T>): ResourceSpecs[T] {
  const spec = change.after ?? change.before;
  if (spec === undefined) throw new Error(`Change ${change.key} has no spec (a bug in mesh).`);
  return spec;
}

export function summarize(changes: readonly { readonly action: ChangeAction }[]): PlanSummary {
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
