/**
 * A plan saved to a file (`mesh plan --out plan.json`) and applied later (`mesh apply plan.json`): the workflow of a
 * CI pipeline that plans on a pull request and applies the reviewed plan on merge.
 *
 * The file is the complete plan (every change with its specs, owner domain, ARNs and bundle hashes) plus what it was
 * planned for: the mesh version, the target, the workspace, the scope, and for each change a fingerprint of the
 * observed state it was planned from. Applying it re-observes and re-plans under the run's lock; the saved plan is
 * applied only if the fresh plan is the same, change for change, from the same observed state. Otherwise nothing is
 * applied and the run fails with StalePlan: another run changed the target, the workspace files changed, or the file
 * was edited. (The changes applied are then the fresh ones, which equal the saved ones.)
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MeshError } from '../core/errors.js';
import type { Target, Workspace } from '../workspace/model.js';
import type { Change, Plan, PlanSummary } from './plan.js';
import type { PlanScope } from './plane.js';
import { stableStringify } from './planner.js';

export const PLAN_FILE_FORMAT = 'mesh-plan';
export const PLAN_FILE_VERSION = 1;

const REPLAN_HINT = 'Re-run `mesh plan --out <file>` against the target as it is now, review it, and apply the new file.';

/** One saved change: the change itself and the fingerprint of what was observed for it. */
export type SavedChange = Change & { readonly observed: string };

export interface SavedPlan {
  readonly format: typeof PLAN_FILE_FORMAT;
  readonly version: typeof PLAN_FILE_VERSION;
  /** The mesh version that made the plan. */
  readonly mesh: string;
  readonly target: Target;
  /** Which workspace: its mesh name and a fingerprint of its identity (mesh name, central account and region). */
  readonly workspace: { readonly name: string; readonly fingerprint: string };
  readonly scope: PlanScope;
  readonly createdAt: string;
  readonly summary: PlanSummary;
  readonly changes: readonly SavedChange[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The workspace a plan belongs to. Not the checkout's path (a CI job applies in another folder than the one that
 * planned) but what names the mesh on its target: a plan for another mesh, or for the same name in other accounts, is
 * refused.
 */
export function workspaceFingerprint(ws: Workspace): string {
  return sha256(stableStringify({ mesh: ws.mesh.name, central: ws.mesh.central.account, region: ws.mesh.central.region }));
}

/** What the change was planned from: the observed spec and attributes (absent for a create). */
export function observedFingerprint(change: Change): string {
  return sha256(stableStringify({ before: change.before ?? null, attributes: change.attributes ?? null }));
}

export function savedPlanOf(plan: Plan, where: { workspace: Workspace; target: Target; scope: PlanScope; meshVersion: string }): SavedPlan {
  return {
    format: PLAN_FILE_FORMAT,
    version: PLAN_FILE_VERSION,
    mesh: where.meshVersion,
    target: where.target,
    workspace: { name: where.workspace.mesh.name, fingerprint: workspaceFingerprint(where.workspace) },
    scope: where.scope,
    createdAt: new Date().toISOString(),
    summary: plan.summary,
    changes: plan.changes.map((c) => ({ ...c, observed: observedFingerprint(c) })),
  };
}

/** Writes the plan file atomically (temp file, then rename). */
export function writePlanFile(file: string, saved: SavedPlan): void {
  const text = `${JSON.stringify(saved, null, 2)}\n`;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    throw new MeshError('PermissionDenied', `Could not write the plan to ${file}: ${(error as Error).message}.`, {
      hint: 'Pass a path in a folder that exists and that you can write to.',
      cause: error,
    });
  }
}

const actions = ['create', 'update', 'replace', 'grant', 'revoke', 'delete', 'noop'] as const;
const scopeEntry = z.object({ product: z.string(), domain: z.string(), table: z.boolean().optional(), stream: z.boolean().optional() });
const fileSchema = z.object({
  format: z.literal(PLAN_FILE_FORMAT),
  version: z.literal(PLAN_FILE_VERSION),
  mesh: z.string(),
  target: z.enum(['local', 'aws']),
  workspace: z.object({ name: z.string(), fingerprint: z.string() }),
  scope: z.object({
    products: z.array(z.string()).optional(),
    subscriptions: z.array(scopeEntry).optional(),
    removals: z.array(scopeEntry).optional(),
    include: z.object({ publish: z.boolean(), subscriptions: z.boolean() }),
  }),
  createdAt: z.string(),
  summary: z.record(z.enum(actions), z.number()),
  changes: z.array(
    z.looseObject({
      type: z.string(),
      key: z.string(),
      action: z.enum(actions),
      ref: z.looseObject({ plane: z.string(), type: z.string(), id: z.string() }),
      reason: z.string(),
      dependsOn: z.array(z.string()),
      observed: z.string(),
    }),
  ),
});

/**
 * Reads and checks a plan file's shape. The changes' specs are checked by what apply does next: they must equal, key
 * for key, what mesh plans now (see `assertSamePlan`), so nothing in the file is trusted on its own.
 */
export function readPlanFile(file: string): SavedPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MeshError('FileNotFound', `Could not read the plan file ${file}.`, {
      hint: 'Make one with `mesh plan --out <file>`, and pass its path to `mesh apply`.',
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidPlanFile(file, 'it is not JSON');
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unknown shape';
    throw invalidPlanFile(file, `not a mesh plan file of version ${PLAN_FILE_VERSION} (${where})`);
  }
  // Its shape is checked; its content is compared with a fresh plan before anything is applied.
  return parsed.data as unknown as SavedPlan;
}

function invalidPlanFile(file: string, why: string): MeshError {
  return new MeshError('InvalidPlanFile', `${file} is not a plan mesh can apply: ${why}.`, {
    hint: 'Make one with `mesh plan --out <file>`; a plan file is applied as it was written.',
  });
}

function stale(message: string, details: Record<string, unknown>): MeshError {
  return new MeshError('StalePlan', `${message} Nothing was applied.`, { hint: REPLAN_HINT, details });
}

/** The plan was made for this target and this workspace. Checked before anything is observed. */
export function assertPlanFor(saved: SavedPlan, where: { workspace: Workspace; target: Target }): void {
  if (saved.target !== where.target) {
    throw stale(`The plan was made for the ${saved.target} target, not ${where.target}.`, { planned: saved.target, target: where.target });
  }
  if (saved.workspace.fingerprint !== workspaceFingerprint(where.workspace)) {
    throw stale(
      `The plan was made for another workspace (mesh ${saved.workspace.name}), not this one (mesh ${where.workspace.mesh.name} in ${where.workspace.mesh.central.account}).`,
      { planned: saved.workspace, workspace: where.workspace.mesh.name },
    );
  }
}

/** A change as compared: everything but the flag it needs (that depends on the flags passed, and is enforced at apply). */
function comparable(change: Change): string {
  const { requiresFlag: _flag, ...rest } = change as Change & { observed?: string };
  const { observed: _observed, ...content } = rest as typeof rest & { observed?: string };
  return stableStringify(content);
}

export interface PlanDifference {
  readonly key: string;
  readonly why: 'observed-changed' | 'no-longer-planned' | 'newly-planned' | 'differs';
}

/** How a fresh plan differs from the saved one (empty: the same plan, from the same observed state). */
export function planDifferences(saved: SavedPlan, fresh: Plan): PlanDifference[] {
  const out: PlanDifference[] = [];
  const freshByKey = new Map(fresh.changes.map((c) => [c.key, c]));
  const savedKeys = new Set<string>();
  for (const s of saved.changes) {
    savedKeys.add(s.key);
    const f = freshByKey.get(s.key);
    if (!f) out.push({ key: s.key, why: 'no-longer-planned' });
    else if (observedFingerprint(f) !== s.observed) out.push({ key: s.key, why: 'observed-changed' });
    else if (comparable(f) !== comparable(s)) out.push({ key: s.key, why: 'differs' });
  }
  for (const f of fresh.changes) if (!savedKeys.has(f.key)) out.push({ key: f.key, why: 'newly-planned' });
  return out;
}

const WHY: Record<PlanDifference['why'], string> = {
  'observed-changed': 'changed on the target since the plan',
  'no-longer-planned': 'no longer planned',
  'newly-planned': 'planned now but not in the file',
  differs: 'planned differently now (the workspace files changed, or the file was edited)',
};

/** Refuses a saved plan that is not what mesh plans now, naming the first differences. */
export function assertSamePlan(saved: SavedPlan, fresh: Plan): void {
  const differences = planDifferences(saved, fresh);
  if (differences.length === 0) return;
  const shown = differences.slice(0, 5).map((d) => `${d.key} (${WHY[d.why]})`);
  const more = differences.length > shown.length ? `, and ${differences.length - shown.length} more` : '';
  throw stale(`The saved plan is out of date: ${shown.join('; ')}${more}.`, { differences });
}
