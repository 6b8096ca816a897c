import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import { startStep } from '../../io/spinner.js';
import { parseDuration } from '../../lock/duration.js';
import type { ApplyOptions, ApplyOutcome, Toolkit } from '../../toolkit/index.js';
import type { CommandContext } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';

/** The toolkit for this command: the global flags, the context's Output, host and Ctrl-C signal. */
export async function toolkitFor(ctx: CommandContext): Promise<Toolkit> {
  const { createToolkit } = await import('../../toolkit/index.js');
  const { cwd, target, profile, region } = ctx.globals;
  return createToolkit({ cwd, target, profile, region, signal: ctx.signal, host: ctx.host });
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

/** `--lock-timeout`, on every command that changes a target: how long to wait for another run's lock. */
export function lockTimeoutOption(): Option {
  return new Option('--lock-timeout <duration>', "wait this long for another run's lock, e.g. 30s or 5m (0s: fail at once)")
    .default(0, '0s')
    .argParser((v) => parseDuration(v));
}

/** The lock settings from `--lock-timeout` (already parsed to milliseconds). */
export function lockTimeout(opts: { lockTimeout?: unknown }): { timeoutMs: number } {
  return { timeoutMs: typeof opts.lockTimeout === 'number' ? opts.lockTimeout : 0 };
}

export function allowedFlags(opts: Record<string, unknown>): Set<string> {
  const allowed = new Set<string>();
  if (opts.allowBreaking) allowed.add('--allow-breaking');
  if (opts.allowReplace) allowed.add('--allow-replace');
  if (opts.allowDelete) allowed.add('--allow-delete');
  if (opts.acknowledgeSubscribers) allowed.add('--acknowledge-subscribers');
  return allowed;
}

/** The toolkit's apply options from the guard flags; before an apply the plan shows on stderr (a dry run's is its result). */
export function applyOptionsOf(ctx: CommandContext, opts: Record<string, unknown>, onPlan?: () => void): ApplyOptions {
  const out = ctx.output;
  return {
    dryRun: Boolean(opts.dryRun),
    allowed: allowedFlags(opts),
    concurrency: concurrencyOf(opts),
    lockTimeoutMs: lockTimeout(opts).timeoutMs,
    onPlan: (plan) => {
      onPlan?.();
      if (!out.json && !opts.dryRun) out.info(renderPlan(plan, out));
    },
  };
}

/** Prints an apply's result: the plan (dry run), or how many changes were applied (`done`), or `nothing`. */
export function renderApplied(
  ctx: CommandContext,
  r: ApplyOutcome,
  nothing = 'Nothing to do.',
  done = (n: number) => `Applied ${n} change(s).`,
): void {
  const out = ctx.output;
  const text = r.dryRun
    ? `${renderPlan(r.plan, out)}\n\nDry run: nothing was changed.`
    : r.applied
      ? done(r.result?.applied.length ?? 0)
      : nothing;
  out.result({ target: r.target, dryRun: r.dryRun, applied: r.applied, plan: planDocument(r.plan) }, text);
}

/** Runs an apply-like toolkit call with its planning shown as one step; applying shows a line per change. */
export async function withPlanStep<T>(
  ctx: CommandContext,
  opts: Record<string, unknown>,
  call: (o: ApplyOptions) => Promise<T>,
): Promise<T> {
  let step: ReturnType<typeof startStep> | undefined;
  const options: ApplyOptions = {
    ...applyOptionsOf(ctx, opts, () => step?.done('Planned')),
    onStart: ({ target }) => {
      step ??= startStep(ctx.output, target === 'aws' ? 'Reading the current state from AWS' : 'Planning');
    },
  };
  try {
    const result = await call(options);
    step?.done('Planned');
    return result;
  } catch (error) {
    step?.fail();
    throw error;
  }
}

/** Resolves when the command is stopped (Ctrl-C or SIGTERM): the end of `mesh dev` and `mesh portal`. */
export function untilStopped(ctx: CommandContext): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
