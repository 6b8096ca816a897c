/**
 * `mesh plan --out` and `mesh apply plan.json` as toolkit calls: save the whole workspace's plan to a file, and apply
 * exactly that plan later (re-observed and re-planned under the lock; refused with StalePlan when anything differs).
 */
import type { SavedPlan } from '../engine/plan-file.js';
import type { PlanScope } from '../engine/plane.js';
import { type ApplyOptions, type ApplyOutcome, allPlaneFactories, engineOptions, planAll } from './apply.js';
import { Session } from './session.js';

/** What `mesh plan` covers, and so what a saved plan covers. */
const WHOLE_WORKSPACE: PlanScope = { include: { publish: true, subscriptions: true } };

/** Plans the whole workspace (nothing applied) and writes the plan to `file`. */
export async function savePlan(session: Session, file: string, options: { readonly meshVersion?: string } = {}) {
  const planned = await planAll(session);
  const { savedPlanOf, writePlanFile } = await import('../engine/plan-file.js');
  const saved = savedPlanOf(planned.plan, { ...planned, scope: WHOLE_WORKSPACE, meshVersion: options.meshVersion ?? 'unknown' });
  writePlanFile(file, saved);
  return { ...planned, file, saved };
}

/**
 * Applies the plan saved in `file`, on the target it was made for (unless the toolkit names one: then they must
 * agree). Refused before anything is observed when it was made for another target or workspace; refused after
 * planning, nothing applied, when the fresh plan differs from it.
 */
export async function applyPlanFile(
  session: Session,
  file: string,
  options: ApplyOptions = {},
): Promise<ApplyOutcome & { saved: SavedPlan }> {
  const { readPlanFile, assertPlanFor } = await import('../engine/plan-file.js');
  const saved = readPlanFile(file);
  const own = session.options.target ? session : new Session({ ...session.options, target: saved.target });
  return own.run(async (run) => {
    assertPlanFor(saved, run);
    const { runPlanes } = await import('../engine/run.js');
    const r = await runPlanes({
      ...engineOptions(own, run, options),
      scope: saved.scope,
      factories: await allPlaneFactories(),
      savedPlan: saved,
    });
    return {
      target: run.target,
      dryRun: Boolean(options.dryRun),
      applied: r.applied,
      plan: r.plan,
      ...(r.result ? { result: r.result } : {}),
      saved,
    };
  });
}
