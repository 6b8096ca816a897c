import type { AwsClients } from '../aws/clients.js';
import type { IoHost } from '../core/messages.js';
import type { Target, Workspace } from '../workspace/model.js';
import type { Change, Plan, Plane } from './plan.js';
import type { StateStore } from './state.js';

/** What a plan covers. Undefined fields mean "everything in the workspace". */
export interface PlanScope {
  /** Products to publish (publish-product names). */
  readonly products?: readonly string[];
  /** Subscriptions to apply: product + consumer domain, and which ports. */
  readonly subscriptions?: readonly {
    readonly product: string;
    readonly domain: string;
    readonly table?: boolean;
    readonly stream?: boolean;
  }[];
  /** Unsubscribe: these subscriptions are to be removed (planned as revoke/delete). */
  readonly removals?: readonly { readonly product: string; readonly domain: string; readonly table?: boolean; readonly stream?: boolean }[];
  /** Only publish (no subscriptions), only subscriptions, or both. */
  readonly include: { readonly publish: boolean; readonly subscriptions: boolean };
}

/** What a plane gets to do its work. */
export interface PlaneEnv {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Where the plane's messages go and its questions are asked: planes never print. */
  readonly host: IoHost;
  readonly signal: AbortSignal;
  readonly state: StateStore;
  /** Flags the user passed that unlock guarded changes, e.g. `--allow-breaking`. */
  readonly allowed: ReadonlySet<string>;
  /** Global --profile/--region (and the run's host, where the clients report retries): what `clients` was made with. */
  readonly aws?: { readonly profile?: string; readonly region?: string; readonly centralAccount?: string; readonly host?: IoHost };
  /**
   * aws: the run's one AwsClients (made by the toolkit, destroyed at the end of the run): every plane takes its SDK
   * clients and credentials here, so a run resolves credentials and assumes each role once. Absent on local.
   */
  readonly clients?: AwsClients;
}

/**
 * Each plane (catalog, streams, …) exports one of these from `src/<plane>/plane.ts`. `plan` observes through the
 * plane's port (the aws or local adapter) and calls the pure planner; `execute` performs one change.
 * `close` releases clients and files.
 */
export interface PlaneModule {
  readonly planes: readonly Plane[];
  plan(scope: PlanScope, env: PlaneEnv): Promise<Plan>;
  execute(change: Change, env: PlaneEnv): Promise<Record<string, unknown> | undefined>;
  close?(): Promise<void>;
}

export type PlaneFactory = (env: PlaneEnv) => Promise<PlaneModule>;
