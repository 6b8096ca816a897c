import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { isInteractive } from '../../io/env.js';
import { contextFor } from '../context.js';
import { applyOptionsOf, concurrencyOption, lockTimeoutOption, renderApplied, toolkitFor } from './shared.js';

export function destroyCommand(): Command {
  return new Command('destroy')
    .description('remove everything this workspace created on its target, in reverse dependency order (planned first)')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--acknowledge-subscribers', "also revoke other workspaces' subscribers' access to these products")
    .option('--delete-data', 'also delete the product data and the files mesh wrote to artifact buckets (kept by default)')
    .option('--include-bootstrap', 'also remove what `mesh bootstrap` made (roles, registry, LF-Tags)')
    .addOption(concurrencyOption())
    .addOption(lockTimeoutOption())
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const ctx = contextFor(command);
      if (!opts.dryRun && !ctx.globals.yes && !isInteractive()) {
        throw usageError(
          'mesh destroy deletes what the workspace made and needs a confirmation: there is no terminal to ask on.',
          'Review `mesh destroy --dry-run`, then re-run with --yes.',
        );
      }
      const toolkit = await toolkitFor(ctx);
      const choices = { deleteData: Boolean(opts.deleteData), includeBootstrap: Boolean(opts.includeBootstrap) };
      const r = await toolkit.destroy(
        { ...choices, acknowledgeSubscribers: Boolean(opts.acknowledgeSubscribers) },
        applyOptionsOf(ctx, opts),
      );
      const destroyed = (n: number) => `Destroyed: ${n} change(s) applied.`;
      renderApplied(ctx, r, destroyed(0), destroyed);
    });
}
