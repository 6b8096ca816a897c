/**
 * Plan and apply through the one engine: `plan` (everything, nothing applied), `apply` (a scope: everything,
 * products to publish, subscriptions), `bootstrap` and `destroy`. The caller sees the plan (`onPlan`); a plan that
 * removes something (and every destroy) is applied only when the host answers yes to `engine.apply.confirm`
 * (`approvingHost` answers yes to everything; `silentHost` answers no).
 */
import type { ApplyResult } from '../engine/apply.js';
import type { Plan } from '../engine/plan.js';
import type { PlaneFactory, PlanScope } from '../engine/plane.js';
import type { PreflightStep } from '../engine/run.js';
import type { Target, Workspace } from '../workspace/model.js';
import type { Run, Session } from './session.js';

/** Guards and run settings shared by every call that changes a target. */
export interface ApplyOptions {
  /** Plan and show; change nothing (no lock is taken). */
  readonly dryRun?: boolean;
  /** Flags that unlock guarded changes: `--allow-breaking`, `--allow-replace`, `--allow-delete`, `--acknowledge-subscribers`. */
  readonly allowed?: Iterable<string>;
  /** Changes applied at once (default 4). */
  readonly concurrency?: number;
  /** How long to wait for another run's lock (default 0: fail at once with LockHeld). */
  readonly lockTimeoutMs?: number;
  /** Called once the workspace is loaded, before observing (e.g. to show progress named after the target). */
  readonly onStart?: (where: { readonly workspace: Workspace; readonly target: Target }) => void;
  /** Called with the plan once it is computed (before anything is applied). */
  readonly onPlan?: (plan: Plan) => void;
}

export interface ApplyOutcome {
  readonly target: Target;
  readonly dryRun: boolean;
  readonly applied: boolean;
  readonly plan: Plan;
  readonly result?: ApplyResult;
}

/** The plane modules, loaded lazily so a program that only validates never loads an SDK. */
export function planeFactories(which: readonly ('catalog' | 'streams')[] = ['catalog', 'streams']): PlaneFactory[] {
  const all: Record<'catalog' | 'streams', PlaneFactory> = {
    catalog: async (env) => (await import('../catalog/plane.js')).createCatalogPlane(env),
    streams: async (env) => (await import('../streams/plane.js')).createStreamsPlane(env),
  };
  return which.map((w) => all[w]);
}

/** What runPlanes needs from a run and the options. */
export function engineOptions(session: Session, run: Run, options: ApplyOptions) {
  options.onStart?.(run);
  return {
    workspace: run.workspace,
    target: run.target,
    host: session.host,
    signal: run.signal,
    aws: run.aws,
    ...(run.clients ? { clients: run.clients } : {}),
    allowed: new Set(options.allowed ?? []),
    dryRun: Boolean(options.dryRun),
    concurrency: options.concurrency ?? 4,
    lock: { timeoutMs: options.lockTimeoutMs ?? 0 },
    onPlan: options.onPlan,
    confirm: 'removals' as const,
    // aws: the bootstrap checks before the first change (the engine runs the step it is given; it imports no plane)
    preflight: preflightStep,
  };
}

const preflightStep: PreflightStep = async (o) => (await import('../bootstrap/preflight.js')).preflight(o);

const outcome = (run: Run, options: ApplyOptions, r: Omit<ApplyOutcome, 'target' | 'dryRun'>): ApplyOutcome => ({
  target: run.target,
  dryRun: Boolean(options.dryRun),
  applied: r.applied,
  plan: r.plan,
  ...(r.result ? { result: r.result } : {}),
});

/** Plan → confirm → apply a scope (publish-product, subscribe, unsubscribe, apply), in a run of its own. */
export async function applyScope(
  session: Session,
  scope: PlanScope,
  options: ApplyOptions = {},
  which?: readonly ('catalog' | 'streams')[],
): Promise<ApplyOutcome> {
  return session.run(async (run) => {
    const { runPlanes } = await import('../engine/run.js');
    return outcome(run, options, await runPlanes({ ...engineOptions(session, run, options), scope, factories: planeFactories(which) }));
  });
}

/** `mesh apply`: every plane `mesh plan` shows, so that what the plan lists is what is applied. */
export async function applyAll(session: Session, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  return session.run(async (run) => {
    const { runPlanes } = await import('../engine/run.js');
    const scope = { include: { publish: true, subscriptions: true } };
    return outcome(run, options, await runPlanes({ ...engineOptions(session, run, options), scope, factories: await allPlaneFactories() }));
  });
}

/** The whole workspace's plan, observed and computed, nothing applied (`mesh plan`, `mesh status`). */
export async function planAll(session: Session): Promise<{ workspace: Workspace; target: Target; plan: Plan }> {
  return session.run(async (run) => {
    const { runPlanes } = await import('../engine/run.js');
    const { plan } = await runPlanes({
      ...engineOptions(session, run, { dryRun: true }),
      lock: undefined,
      scope: { include: { publish: true, subscriptions: true } },
      factories: await allPlaneFactories(),
    });
    return { workspace: run.workspace, target: run.target, plan };
  });
}

/** Every plane `mesh plan` shows (and `mesh apply plan.json` applies). */
export async function allPlaneFactories(): Promise<PlaneFactory[]> {
  return [
    ...planeFactories(),
    (await import('./personalize.js')).personalizePlaneFactory,
    (await import('./transform.js')).transformsPlaneFactory,
  ];
}

/** `mesh bootstrap`: what the other planes rely on in every account. */
export async function bootstrap(session: Session, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  return session.run(async (run) => {
    const { runBootstrap } = await import('../bootstrap/run.js');
    return outcome(run, options, await runBootstrap(engineOptions(session, run, options)));
  });
}

export interface DestroyChoices {
  readonly deleteData?: boolean;
  readonly includeBootstrap?: boolean;
  readonly acknowledgeSubscribers?: boolean;
}

/** `mesh destroy`: everything the workspace made, in reverse dependency order. */
export async function destroy(session: Session, choices: DestroyChoices, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  return session.run(async (run) => {
    const { runDestroy } = await import('../destroy/run.js');
    const { allowed: _implied, ...engine } = engineOptions(session, run, options);
    const result = await runDestroy({
      ...engine,
      confirm: 'destroy',
      destroy: {
        deleteData: Boolean(choices.deleteData),
        includeBootstrap: Boolean(choices.includeBootstrap),
        acknowledgeSubscribers: Boolean(choices.acknowledgeSubscribers),
      },
    });
    return outcome(run, options, result);
  });
}
