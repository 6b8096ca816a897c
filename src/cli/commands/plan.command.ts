import { Command } from 'commander';
import { ExitCode } from '../../core/errors.js';
import { hasPendingChanges } from '../../engine/plan.js';
import { contextFor, requestExitCode } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';
import { loadWorkspaceFor, planeFactories } from './shared.js';

export function planCommand(): Command {
  return new Command('plan')
    .description('show what publish and subscribe would do across every plane; changes nothing')
    .option('--detailed-exitcode', 'exit 0 when nothing is pending, 3 when changes are pending (1 on error)')
    .action(async (opts: { detailedExitcode?: boolean }, command: Command) => {
      const ctx = contextFor(command);
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
      ctx.output.result({ target, ...(planDocument(plan) as object) }, () => renderPlan(plan, ctx.output));
      if (opts.detailedExitcode && hasPendingChanges(plan)) requestExitCode(ExitCode.ChangesPending);
    });
}
