import { Command, Option } from 'commander';
import { contextFor } from '../context.js';
import { applyOptionsOf, concurrencyOption, lockTimeoutOption, renderApplied, toolkitFor } from './shared.js';

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
      const toolkit = await toolkitFor(ctx);
      if (typeof opts.template === 'string') {
        const files = await toolkit.bootstrapTemplates(opts.template, opts.format === 'yaml' ? 'yaml' : 'json');
        ctx.output.result({ target: 'aws', templates: files }, files.map((f) => `wrote ${f}`).join('\n'));
        return;
      }
      renderApplied(ctx, await toolkit.bootstrap(applyOptionsOf(ctx, opts)), 'Nothing to do: already bootstrapped.');
    });
}
