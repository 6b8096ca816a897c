import { Command, Option } from 'commander';
import { contextFor } from '../context.js';
import { planDocument, renderPlan } from '../render/plan-table.js';
import { concurrencyOf, concurrencyOption, loadWorkspaceFor, lockTimeout, lockTimeoutOption } from './shared.js';

export function bootstrapCommand(): Command {
  return new Command('bootstrap')
    .description(
      'set up what mesh relies on in every account the workspace names (Lake Formation settings, roles, registry, LF-Tags, lock table)',
    )
    .option('--dry-run', 'show the plan and change nothing')
    .option('--template <dir>', 'write one CloudFormation template per account to this folder instead (no AWS call)')
    .addOption(new Option('--format <format>', 'template format').choices(['json', 'yaml']).default('json'))
    .addOption(concurrencyOption())
    .addOption(lockTimeoutOption())
    .action(async (opts: Record<string, unknown>, command: Command) => {
      const ctx = contextFor(command);
      const out = ctx.output;
      const { workspace, target } = await loadWorkspaceFor(ctx);
      if (typeof opts.template === 'string') {
        const { writeBootstrapTemplates } = await import('../../bootstrap/template.js');
        const files = await writeBootstrapTemplates(workspace, opts.template, opts.format === 'yaml' ? 'yaml' : 'json');
        out.result({ target: 'aws', templates: files }, files.map((f) => `wrote ${f}`).join('\n'));
        return;
      }
      const concurrency = concurrencyOf(opts);
      const { runBootstrap } = await import('../../bootstrap/run.js');
      const dryRun = Boolean(opts.dryRun);
      const result = await runBootstrap({
        workspace,
        target,
        output: out,
        signal: ctx.signal,
        dryRun,
        concurrency,
        aws: { profile: ctx.globals.profile, region: ctx.globals.region },
        lock: lockTimeout(opts),
        onPlan: (plan) => {
          if (!out.json && !dryRun) out.info(renderPlan(plan, out));
        },
      });
      const text = dryRun
        ? `${renderPlan(result.plan, out)}\n\nDry run: nothing was changed.`
        : result.applied
          ? `Applied ${result.result?.applied.length ?? 0} change(s).`
          : 'Nothing to do: already bootstrapped.';
      out.result({ target, dryRun, applied: result.applied, plan: planDocument(result.plan) }, text);
    });
}
