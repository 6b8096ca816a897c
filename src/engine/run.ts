import path from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import { emit, type IoHost, silentHost } from '../core/messages.js';
import { type LockHolder, type LockTargetOptions, openLockPort, withLock } from '../lock/index.js';
import { assertPlainStateFolders } from '../lock/state-folder.js';
import type { Target, Workspace } from '../workspace/model.js';
import { type ApplyResult, applyPlan, blockedChanges } from './apply.js';
import type { ChangeMessage } from './messages.js';
import { type Change, hasPendingChanges, mergePlans, type Plan } from './plan.js';
import type { SavedPlan } from './plan-file.js';
import type { PlaneEnv, PlaneFactory, PlaneModule, PlanScope } from './plane.js';
import { StateStore } from './state.js';

export interface RunPlanesOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Where the run's messages go (each change as it starts, ends or fails) and its question is asked. Default: none. */
  readonly host?: IoHost;
  readonly signal: AbortSignal;
  readonly scope: PlanScope;
  readonly factories: readonly PlaneFactory[];
  readonly allowed?: ReadonlySet<string>;
  /** Plan only. */
  readonly dryRun?: boolean;
  /**
   * Ask the host before applying (`engine.apply.confirm`; the answer false aborts): `removals` when the plan deletes,
   * replaces or revokes something, `destroy` always. Default: never ask.
   */
  readonly confirm?: 'removals' | 'destroy';
  readonly concurrency?: number;
  readonly onPlan?: (plan: Plan) => void;
  /** Global --profile/--region for AWS clients. */
  readonly aws?: { readonly profile?: string; readonly region?: string };
  /** aws: the run's one AwsClients (the caller makes and destroys it): preflight, lock and every plane use it. */
  readonly clients?: AwsClients;
  /**
   * Hold the target's lock from observing to the end of the apply (not on a dry run). When nobody holds it, the run
   * first plans without it (a probe: reads only); when that plan has no changes the run ends there, having taken no
   * lock (0 mutating calls); otherwise it takes the lock and plans again under it before applying.
   */
  readonly lock?: { readonly timeoutMs: number };
  /** false: no probe (the caller already planned without the lock and found changes: destroy): lock, then plan. */
  readonly probe?: boolean;
  /**
   * aws: the doctor's cheap checks for the accounts and planes the scope touches, run before anything else (stopping
   * with `mesh bootstrap` as the fix when one fails). Run for a locked run (every command that changes the target);
   * none when not given.
   */
  readonly preflight?: PreflightStep | false;
  /**
   * `mesh apply plan.json`: the saved plan this run must apply. After planning, the fresh plan is compared with it;
   * any difference (the target changed, the files changed, the file was edited) fails with StalePlan, nothing applied.
   */
  readonly savedPlan?: SavedPlan;
}

/**
 * The checks before a run's first change (src/bootstrap/preflight.ts on aws), injected by the caller (the toolkit) so
 * the engine never imports a plane. Runs only for a locked, non-dry run.
 */
export type PreflightStep = (options: Pick<RunPlanesOptions, 'workspace' | 'target' | 'scope' | 'clients'>) => Promise<void>;

export interface RunPlanesResult {
  readonly plan: Plan;
  readonly applied: boolean;
  readonly result?: ApplyResult;
}

export function openState(workspace: Workspace, target: Target): StateStore {
  assertPlainStateFolders(workspace.root, workspace.mesh.localDir);
  return new StateStore(path.join(workspace.root, '.mesh', 'state'), target);
}

/**
 * Observe → plan (pure) → show → confirm → apply, across planes. The shape of every mutating command. A locked run
 * plans once without the lock first: a re-run with nothing to do takes no lock and makes no change.
 */
export async function runPlanes(options: RunPlanesOptions): Promise<RunPlanesResult> {
  if (options.preflight && !options.dryRun && options.lock !== undefined) {
    // Before the lock and the probe: the lock's first use creates a table, and an account that is not ready must stay
    // untouched (and be told so before anything is observed).
    await options.preflight(options);
  }
  if (!options.lock || options.dryRun) return observePlanApply(options);
  const { workspace, target, signal, aws, clients } = options;
  const host = options.host ?? silentHost;
  const lockOptions = { workspace, target, host, signal, aws, clients, timeoutMs: options.lock.timeoutMs };
  // A run under way (or one killed mid-apply, whose lock is left): wait for it, or take its lock over, as ever.
  if (options.probe !== false && !(await lockHolder(lockOptions))) {
    const probe = await observePlanApply({ ...options, dryRun: true, onPlan: undefined, savedPlan: undefined });
    // Nothing to do: done, without the lock.
    if (!hasPendingChanges(probe.plan)) {
      if (options.savedPlan) (await import('./plan-file.js')).assertSamePlan(options.savedPlan, probe.plan);
      options.onPlan?.(probe.plan);
      return probe;
    }
  }
  // Planned (again) under the lock: another run may have changed the target since, and a run that waited for the lock
  // plans from what the one before it applied.
  return withLock(lockOptions, () => observePlanApply(options));
}

/** Who holds the target's lock now, if anyone: a read (a file, or a DynamoDB GetItem), never a write. */
async function lockHolder(options: LockTargetOptions): Promise<LockHolder | undefined> {
  const port = await openLockPort(options);
  try {
    return await port.read();
  } finally {
    port.close?.();
  }
}

/** What a change message names. */
function changeMessage(change: Change): ChangeMessage {
  const { plane, type, id, label } = change.ref;
  return { plane, action: change.action, type, id, ...(label === undefined ? {} : { label }) };
}

/** Asks the host whether to apply, when `options.confirm` says this plan needs it. */
async function confirmed(plan: Plan, host: IoHost, options: RunPlanesOptions): Promise<boolean> {
  const removals = plan.summary.delete + plan.summary.replace + plan.summary.revoke;
  if (options.confirm === undefined || (options.confirm === 'removals' && removals === 0)) return true;
  return host.request({
    code: 'engine.apply.confirm',
    data: { target: options.target, reason: options.confirm, summary: plan.summary },
    // nobody to ask: removals are not applied unasked
    defaultAnswer: false,
  });
}

async function observePlanApply(options: RunPlanesOptions): Promise<RunPlanesResult> {
  const state = openState(options.workspace, options.target);
  const host = options.host ?? silentHost;
  const env: PlaneEnv = {
    workspace: options.workspace,
    target: options.target,
    host,
    signal: options.signal,
    state,
    allowed: options.allowed ?? new Set(),
    // host: the AwsClients a plane makes report their retries there.
    aws: { ...options.aws, centralAccount: options.workspace.mesh.central.account, host },
    ...(options.clients ? { clients: options.clients } : {}),
  };
  const modules: PlaneModule[] = [];
  try {
    for (const factory of options.factories) modules.push(await factory(env));
    const plans: Plan[] = [];
    for (const m of modules) plans.push(await m.plan(options.scope, env));
    const plan = mergePlans(...plans);
    if (options.savedPlan) (await import('./plan-file.js')).assertSamePlan(options.savedPlan, plan);
    options.onPlan?.(plan);
    if (options.dryRun || !hasPendingChanges(plan)) return { plan, applied: false };
    const blocked = blockedChanges(plan, env.allowed);
    if (blocked.length === 0 && !(await confirmed(plan, host, options))) {
      throw new MeshError('Aborted', 'Nothing was applied.');
    }
    const owner = new Map<string, PlaneModule>();
    for (const m of modules) for (const p of m.planes) owner.set(p, m);
    const result = await applyPlan(
      plan,
      async (change) => {
        const m = owner.get(change.ref.plane);
        if (!m) throw new MeshError('InternalError', `No plane handles ${change.ref.plane}.`);
        return m.execute(change, env);
      },
      {
        concurrency: options.concurrency ?? 4,
        allowed: env.allowed,
        state,
        signal: options.signal,
        onEvent: (e) => {
          const change = changeMessage(e.change);
          if (e.status === 'done') emit(host, 'info', 'engine.change.done', change);
          else if (e.status === 'failed') emit(host, 'info', 'engine.change.failed', { ...change, error: errorText(e.error) });
          else emit(host, 'debug', 'engine.change.start', change);
        },
      },
    );
    return { plan, applied: true, result };
  } finally {
    for (const m of modules) await m.close?.();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
