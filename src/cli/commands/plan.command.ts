import path from 'node:path';
import { Command, Option } from 'commander';
import { ExitCode, usageError } from '../../core/errors.js';
import { hasPendingChanges } from '../../engine/plan.js';
import { contextFor, requestExitCode } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';
import { version } from '../version.js';
import { toolkitFor } from './shared.js';

type PlanFormat = 'table' | 'markdown' | 'json';

export function planCommand(): Command {
  return new Command('plan')
    .description('show what publish and subscribe would do across every plane; changes nothing')
    .addOption(
      new Option('--format <format>', 'table, markdown (a pull-request comment) or json (the same as --json)')
        .choices(['table', 'markdown', 'json'])
        .default('table'),
    )
    .option('--detailed-exitcode', 'exit 0 when nothing is pending, 3 when changes are pending (1 on error)')
    .option('--out <file>', 'also save the plan to this file, for `mesh apply <file>` (e.g. plan on a pull request, apply on merge)')
    .action(async (opts: { detailedExitcode?: boolean; format: PlanFormat; out?: string }, command: Command) => {
      const ctx = contextFor(command);
      if (ctx.globals.json && opts.format === 'markdown') {
        throw usageError('--json and --format markdown ask for two different outputs.', 'Pass one of them.');
      }
      const out = opts.out === undefined ? undefined : path.resolve(opts.out);
      const toolkit = await toolkitFor(ctx);
      const { workspace, target, plan } = out ? await toolkit.savePlan(out, { meshVersion: version }) : await toolkit.plan();
      const doc = { target, ...(planDocument(plan) as object), ...(out ? { savedTo: out } : {}) };
      if (out) ctx.output.info(`Saved the plan to ${opts.out}; apply exactly this plan with: mesh apply ${opts.out}`);
      if (opts.format === 'markdown') {
        const { accountNames, renderPlanMarkdown } = await import('../render/plan-markdown.js');
        const { accessEntries } = await import('../../access/state.js');
        const pending = accessEntries(workspace).filter((e) => e.status === 'pending');
        ctx.output.result(doc, () =>
          renderPlanMarkdown({ plan, mesh: workspace.mesh.name, target, accounts: accountNames(workspace), pending }),
        );
      } else if (opts.format === 'json') {
        ctx.output.result(doc, () => JSON.stringify(doc, null, 2));
      } else {
        ctx.output.result(doc, () => renderPlan(plan, ctx.output));
      }
      if (opts.detailedExitcode && hasPendingChanges(plan)) requestExitCode(ExitCode.ChangesPending);
    });
}
