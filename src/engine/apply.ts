import { MeshError } from '../core/errors.js';
import type { Change, Plan } from './plan.js';
import type { StateStore } from './state.js';

export type ChangeExecutor = (change: Change) => Promise<Record<string, unknown> | undefined>;

export interface ApplyEvent {
  readonly change: Change;
  readonly status: 'start' | 'done' | 'failed';
  readonly error?: unknown;
}

export interface ApplyOptions {
  /** How many changes run at once (independent ones only). */
  readonly concurrency?: number;
  /** Flags the user passed that unlock guarded changes, e.g. `--allow-breaking`. */
  readonly allowed?: ReadonlySet<string>;
  readonly state?: StateStore;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ApplyEvent) => void;
}

export interface ApplyResult {
  readonly applied: readonly Change[];
  readonly attributes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Changes that need a flag the user did not pass. Checked before anything is applied. */
export function blockedChanges(plan: Plan, allowed: ReadonlySet<string> = new Set()): Change[] {
  return plan.changes.filter((c) => c.action !== 'noop' && c.requiresFlag && !allowed.has(c.requiresFlag));
}

/**
 * Applies a plan in dependency order with bounded concurrency. Each finished change is recorded in the state
 * ledger at once, so an interrupted apply resumes (the next plan sees what exists and skips it).
 */
export async function applyPlan(plan: Plan, execute: ChangeExecutor, options: ApplyOptions = {}): Promise<ApplyResult> {
  const blocked = blockedChanges(plan, options.allowed);
  if (blocked.length > 0) {
    const flags = [...new Set(blocked.map((c) => c.requiresFlag))].join(' ');
    throw new MeshError(
      'ChangeNeedsFlag',
      `${blocked.length} change(s) need an explicit flag: ${blocked.map((c) => `${c.action} ${c.ref.label ?? c.key}${c.breaking ? ' (breaking)' : ''}`).join('; ')}. Nothing was applied.`,
      { hint: `Review the plan, then re-run with ${flags}.`, details: { blocked: blocked.map((c) => c.key) } },
    );
  }
  const pending = plan.changes.filter((c) => c.action !== 'noop');
  const inPlan = new Set(pending.map((c) => c.key));
  const done = new Set<string>();
  const attributes: Record<string, Record<string, unknown>> = {};
  const applied: Change[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const running = new Map<string, Promise<void>>();
  let failure: { change: Change; error: unknown } | undefined;
  const queue = [...pending];

  const ready = (c: Change) => c.dependsOn.every((d) => !inPlan.has(d) || done.has(d));

  while ((queue.length > 0 || running.size > 0) && !failure) {
    if (options.signal?.aborted) break;
    let started = false;
    while (running.size < concurrency) {
      const index = queue.findIndex(ready);
      if (index < 0) break;
      const [change] = queue.splice(index, 1);
      if (!change) break;
      started = true;
      options.onEvent?.({ change, status: 'start' });
      const task = execute(change).then(
        (attrs) => {
          done.add(change.key);
          applied.push(change);
          if (attrs) attributes[change.key] = attrs;
          options.state?.record(change.key, change.action, attrs);
          options.onEvent?.({ change, status: 'done' });
        },
        (error: unknown) => {
          failure ??= { change, error };
          options.onEvent?.({ change, status: 'failed', error });
        },
      );
      running.set(
        change.key,
        task.finally(() => running.delete(change.key)),
      );
    }
    if (running.size === 0 && !started) {
      // nothing runnable: dependencies outside what remains (should not happen with a valid plan)
      const stuck = queue.map((c) => c.key).join(', ');
      throw new MeshError('PlanCycle', `Changes wait on each other and cannot start: ${stuck}.`, { hint: 'This is a bug in mesh.' });
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  await Promise.allSettled(running.values());

  if (failure) {
    const cause = failure.error;
    const left = pending.length - applied.length;
    if (cause instanceof MeshError) {
      throw new MeshError(
        cause.code,
        `${failure.change.action} ${failure.change.ref.label ?? failure.change.key} failed: ${cause.message}`,
        {
          hint: `${cause.hint ? `${cause.hint} ` : ''}${applied.length} change(s) were applied and recorded; ${left} remain. Re-run the same command to resume.`,
          cause,
          details: cause.details,
        },
      );
    }
    throw new MeshError(
      'ApplyFailed',
      `${failure.change.action} ${failure.change.ref.label ?? failure.change.key} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        hint: `${applied.length} change(s) were applied and recorded; ${left} remain. Re-run the same command to resume.`,
        cause,
      },
    );
  }
  if (options.signal?.aborted) {
    throw new MeshError('Interrupted', `Interrupted after ${applied.length} of ${pending.length} change(s).`, {
      hint: 'Re-run the same command to resume.',
    });
  }
  return { applied, attributes };
}
