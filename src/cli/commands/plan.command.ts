import { Command } from 'commander';
import { ExitCode } from '../../core/errors.js';
import { hasPendingChanges } from '../../engine/plan.js';
import { contextFor, requestExitCode } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';
import { planWorkspace } from './shared.js';

export function planCommand(): Command {
  return new Command('plan')
    .description('show what publish and subscribe would do across every plane; changes nothing')
    .option('--detailed-exitcode', 'exit 0 when nothing is pending, 3 when changes are pending (1 on error)')
    .action(async (opts: { detailedExitcode?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const { target, plan } = await planWorkspace(ctx);
      ctx.output.result({ target, ...(planDocument(plan) as object) }, () => renderPlan(plan, ctx.output));
      if (opts.detailedExitcode && hasPendingChanges(plan)) requestExitCode(ExitCode.ChangesPending);
    });
}
