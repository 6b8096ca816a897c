import path from 'node:path';
import { ExitCode, MeshError } from '../core/errors.js';
import type { Output } from '../io/output.js';
import type { Target, Workspace } from '../workspace/model.js';
import { type ApplyResult, applyPlan, blockedChanges } from './apply.js';
import { withLock } from './lock/index.js';
import { hasPendingChanges, mergePlans, type Plan } from './plan.js';
import type { PlaneEnv, PlaneFactory, PlaneModule, PlanScope } from './plane.js';
import { StateStore } from './state.js';

export interface RunPlanesOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly output: Output;
  readonly signal: AbortSignal;
  readonly scope: PlanScope;
  readonly factories: readonly PlaneFactory[];
  readonly allowed?: ReadonlySet<string>;
  /** Plan only. */
  readonly dryRun?: boolean;
  /** Ask before applying (returns false → abort). */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly concurrency?: number;
  readonly onPlan?: (plan: Plan) => void;
  /** Global --profile/--region for AWS clients. */
  readonly aws?: { readonly profile?: string; readonly region?: string };
  /** Hold the target's lock from observing to the end of the apply (not on a dry run). */
  readonly lock?: { readonly timeoutMs: number };
  /**
   * aws: run the doctor's cheap checks for the accounts and planes the scope touches before anything else, and stop
   * naming `mesh bootstrap` when one fails. Default: on for a locked run (every command that changes the target).
   */
  readonly preflight?: boolean;
}

export interface RunPlanesResult {
  readonly plan: Plan;
  readonly applied: boolean;
  readonly result?: ApplyResult;
}

export function openState(workspace: Workspace, target: Target): StateStore {
  return new StateStore(path.join(workspace.root, '.mesh', 'state'), target);
}

/** Observe → plan (pure) → show → confirm → apply, across planes. The shape of every mutating command. */
export async function runPlanes(options: RunPlanesOptions): Promise<RunPlanesResult> {
  if (!options.dryRun && (options.preflight ?? (options.target === 'aws' && options.lock !== undefined))) {
    // Before the lock too: its first use creates a table, and an account that is not ready must stay untouched.
    await (await import('../bootstrap/preflight.js')).preflight(options);
  }
  if (!options.lock || options.dryRun) return observePlanApply(options);
  // Locked before observing: a second run then plans from what the first one applied.
  const { workspace, target, output, signal, aws } = options;
  return withLock({ workspace, target, output, signal, aws, timeoutMs: options.lock.timeoutMs }, () => observePlanApply(options));
}

async function observePlanApply(options: RunPlanesOptions): Promise<RunPlanesResult> {
  const state = openState(options.workspace, options.target);
  const env: PlaneEnv = {
    workspace: options.workspace,
    target: options.target,
    output: options.output,
    signal: options.signal,
    state,
    allowed: options.allowed ?? new Set(),
    // output: the AwsClients a plane makes show their retries there.
    aws: { ...options.aws, centralAccount: options.workspace.mesh.central.account, output: options.output },
  };
  const modules: PlaneModule[] = [];
  try {
    for (const factory of options.factories) modules.push(await factory(env));
    const plans: Plan[] = [];
    for (const m of modules) plans.push(await m.plan(options.scope, env));
    const plan = mergePlans(...plans);
    options.onPlan?.(plan);
    if (options.dryRun || !hasPendingChanges(plan)) return { plan, applied: false };
    const blocked = blockedChanges(plan, env.allowed);
    if (blocked.length === 0 && options.confirm && !(await options.confirm(plan))) {
      throw new MeshError('Aborted', 'Nothing was applied.', { exitCode: ExitCode.Interrupted });
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
          const label = `${e.change.action} ${e.change.ref.type} ${e.change.ref.label ?? e.change.ref.id}`;
          if (e.status === 'done') options.output.info(`${options.output.style.green('✓')} ${label}`);
          else if (e.status === 'failed') options.output.info(`${options.output.style.red('✗')} ${label}`);
          else options.output.debug(`… ${label}`);
        },
      },
    );
    return { plan, applied: true, result };
  } finally {
    for (const m of modules) await m.close?.();
  }
}
