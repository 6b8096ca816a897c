import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import { parseDuration } from '../../engine/lock/duration.js';
import type { Plan } from '../../engine/plan.js';
import type { PlaneFactory, PlanScope } from '../../engine/plane.js';
import { askConfirm } from '../../io/prompts.js';
import { startStep } from '../../io/spinner.js';
import type { Target, Workspace } from '../../workspace/model.js';
import type { CommandContext } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';

/** Loads the workspace the command runs in (walking up to mesh.yaml), with --target applied. */
export async function loadWorkspaceFor(ctx: CommandContext): Promise<{ workspace: Workspace; target: Target }> {
  const { loadWorkspace } = await import('../../workspace/load.js');
  const workspace = await loadWorkspace(ctx.globals.cwd, { target: ctx.globals.target });
  return { workspace, target: ctx.globals.target ?? workspace.mesh.target };
}

/** The plane modules, loaded lazily so `mesh --help` never loads an SDK. */
export function planeFactories(which: readonly ('catalog' | 'streams')[] = ['catalog', 'streams']): PlaneFactory[] {
  const all: Record<'catalog' | 'streams', PlaneFactory> = {
    catalog: async (env) => (await import('../../catalog/plane.js')).createCatalogPlane(env),
    streams: async (env) => (await import('../../streams/plane.js')).createStreamsPlane(env),
  };
  return which.map((w) => all[w]);
}

/** Guard flags shared by mutating commands. */
export function addApplyOptions(command: Command): Command {
  return command
    .option('--dry-run', 'show the plan and change nothing')
    .option('--allow-breaking', 'apply changes marked breaking (dropped or retyped columns, incompatible schemas)')
    .option('--allow-replace', 'apply replacements (e.g. a create-only field changed)')
    .option('--allow-delete', 'apply deletions the plan lists')
    .addOption(concurrencyOption())
    .addOption(lockTimeoutOption());
}

/** `--lock-timeout`, on every command that changes a target: how long to wait for another run's lock. */
/** `--concurrency <n>`, the changes applied at once: checked by concurrencyOf. */
export function concurrencyOption(): Option {
  return new Option('--concurrency <n>', 'changes applied at once (1-64)').argParser((v) => Number(v)).default(4);
}

/** The checked --concurrency (4 when absent); a usage error for anything but a whole number from 1 to 64. */
export function concurrencyOf(opts: { concurrency?: unknown }): number {
  const concurrency = opts.concurrency === undefined ? 4 : opts.concurrency;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw usageError(`--concurrency takes a whole number from 1 to 64 (got ${String(opts.concurrency)}).`);
  }
  return concurrency;
}

export function lockTimeoutOption(): Option {
  return new Option('--lock-timeout <duration>', "wait this long for another run's lock, e.g. 30s or 5m (0s: fail at once)")
    .default(0, '0s')
    .argParser((v) => parseDuration(v));
}

/** The lock settings from `--lock-timeout` (already parsed to milliseconds). */
export function lockTimeout(opts: { lockTimeout?: unknown }): { timeoutMs: number } {
  return { timeoutMs: typeof opts.lockTimeout === 'number' ? opts.lockTimeout : 0 };
}

/** Runs `fn` holding the target's lock (personalize, transform); a dry run takes no lock. */
export async function withTargetLock<T>(
  ctx: CommandContext,
  where: { workspace: Workspace; target: Target },
  opts: { lockTimeout?: unknown; dryRun?: boolean },
  fn: () => Promise<T>,
): Promise<T> {
  if (opts.dryRun) return fn();
  const { withLock } = await import('../../engine/lock/index.js');
  return withLock(
    {
      ...where,
      output: ctx.output,
      signal: ctx.signal,
      aws: { profile: ctx.globals.profile, region: ctx.globals.region },
      ...lockTimeout(opts),
    },
    fn,
  );
}

export function allowedFlags(opts: Record<string, unknown>): Set<string> {
  const allowed = new Set<string>();
  if (opts.allowBreaking) allowed.add('--allow-breaking');
  if (opts.allowReplace) allowed.add('--allow-replace');
  if (opts.allowDelete) allowed.add('--allow-delete');
  if (opts.acknowledgeSubscribers) allowed.add('--acknowledge-subscribers');
  return allowed;
}

/** Plan, show, confirm, apply; prints the result. Used by publish-product, subscribe and unsubscribe. */
export async function planAndApply(
  ctx: CommandContext,
  scope: PlanScope,
  opts: Record<string, unknown>,
  which?: readonly ('catalog' | 'streams')[],
): Promise<void> {
  const { workspace, target } = await loadWorkspaceFor(ctx);
  const { runPlanes } = await import('../../engine/run.js');
  const concurrency = concurrencyOf(opts);
  const out = ctx.output;
  // Planning shows as one step; applying shows a line per change (the engine's), and on aws each wait its own progress.
  const step = startStep(out, target === 'aws' ? 'Reading the current state from AWS' : 'Planning');
  const result = await runPlanes({
    workspace,
    target,
    output: out,
    signal: ctx.signal,
    scope,
    factories: planeFactories(which),
    allowed: allowedFlags(opts),
    dryRun: Boolean(opts.dryRun),
    concurrency,
    aws: { profile: ctx.globals.profile, region: ctx.globals.region },
    lock: lockTimeout(opts),
    onPlan: (plan) => {
      step.done('Planned');
      // A dry run's plan is its result (stdout); before an apply it is a diagnostic (stderr).
      if (!out.json && !opts.dryRun) out.info(renderPlan(plan, out));
    },
    confirm: (plan: Plan) =>
      plan.summary.delete + plan.summary.replace + plan.summary.revoke === 0
        ? Promise.resolve(true)
        : askConfirm(
            { message: 'Apply these changes, including the removals above?', flag: '--yes', default: ctx.globals.yes ? true : undefined },
            ctx.prompts,
          ),
  }).then(
    (r) => {
      step.done('Planned');
      return r;
    },
    (error: unknown) => {
      step.fail();
      throw error;
    },
  );
  const verb = opts.dryRun
    ? `${renderPlan(result.plan, out)}\n\nDry run: nothing was changed.`
    : result.applied
      ? `Applied ${result.result?.applied.length ?? 0} change(s).`
      : 'Nothing to do.';
  out.result({ target, dryRun: Boolean(opts.dryRun), applied: result.applied, plan: planDocument(result.plan) }, verb);
}

/** The whole workspace's plan, observed and computed, nothing applied (`mesh plan`, `mesh status`). */
export async function planWorkspace(ctx: CommandContext): Promise<{ workspace: Workspace; target: Target; plan: Plan }> {
  const { workspace, target } = await loadWorkspaceFor(ctx);
  const { runPlanes } = await import('../../engine/run.js');
  const { plan } = await runPlanes({
    workspace,
    target,
    output: ctx.output,
    signal: ctx.signal,
    scope: { include: { publish: true, subscriptions: true } },
    factories: planeFactories(),
    dryRun: true,
    aws: { profile: ctx.globals.profile, region: ctx.globals.region },
  });
  return { workspace, target, plan };
}
