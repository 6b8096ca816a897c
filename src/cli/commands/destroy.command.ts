import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { isInteractive } from '../../io/env.js';
import { askConfirm } from '../../io/prompts.js';
import { contextFor } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';
import { concurrencyOf, concurrencyOption, loadWorkspaceFor, lockTimeout, lockTimeoutOption } from './shared.js';

export function destroyCommand(): Command {
  return new Command('destroy')
    .description('remove everything this workspace created on its target, in reverse dependency order (planned first)')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--acknowledge-subscribers', "also revoke other workspaces' subscribers' access to these products")
    .option('--delete-data', 'also delete the data under the product locations (kept by default)')
    .option('--include-bootstrap', 'also remove what `mesh bootstrap` made (roles, registry, LF-Tags)')
    .addOption(concurrencyOption())
    .addOption(lockTimeoutOption())
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const ctx = contextFor(command);
      const out = ctx.output;
      const dryRun = Boolean(opts.dryRun);
      if (!dryRun && !ctx.globals.yes && !isInteractive()) {
        throw usageError(
          'mesh destroy deletes what the workspace made and needs a confirmation: there is no terminal to ask on.',
          'Review `mesh destroy --dry-run`, then re-run with --yes.',
        );
      }
      const concurrency = concurrencyOf(opts);
      const { workspace, target } = await loadWorkspaceFor(ctx);
      const { runDestroy } = await import('../../destroy/run.js');
      const result = await runDestroy({
        workspace,
        target,
        output: out,
        signal: ctx.signal,
        dryRun,
        concurrency,
        aws: { profile: ctx.globals.profile, region: ctx.globals.region },
        lock: lockTimeout(opts),
        destroy: {
          deleteData: Boolean(opts.deleteData),
          includeBootstrap: Boolean(opts.includeBootstrap),
          acknowledgeSubscribers: Boolean(opts.acknowledgeSubscribers),
        },
        onPlan: (plan) => {
          if (!out.json && !dryRun) out.info(renderPlan(plan, out));
        },
        confirm: () =>
          askConfirm(
            { message: `Delete all of the above from ${target}?`, flag: '--yes', default: ctx.globals.yes ? true : undefined },
            ctx.prompts,
          ),
      });
      const text = dryRun
        ? `${renderPlan(result.plan, out)}\n\nDry run: nothing was changed.`
        : `Destroyed: ${result.result?.applied.length ?? 0} change(s) applied.`;
      out.result({ target, dryRun, applied: result.applied, plan: planDocument(result.plan) }, text);
    });
}
