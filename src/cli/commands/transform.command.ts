import { Command } from 'commander';
import { contextFor } from '../context.js';
import { lockTimeout, lockTimeoutOption, toolkitFor } from './shared.js';

export function transformCommand(): Command {
  return new Command('transform')
    .description("run a domain's declared SQL transform: DuckDB on local; a Glue job (or Athena) on aws")
    .argument('<name>', 'the transform, as the domain file declares it (e.g. items)')
    .requiredOption('--domain <domain>', 'the domain that declares the transform')
    .option('--no-run', 'aws: create or update the Glue job, do not start a run')
    .option('--dry-run', 'print the SQL and, on aws, the job or query it would run; change nothing')
    .addOption(lockTimeoutOption())
    .action(async (name: string, opts: { domain: string; run: boolean; dryRun?: boolean; lockTimeout?: number }, command: Command) => {
      const ctx = contextFor(command);
      const [toolkit, render] = await Promise.all([toolkitFor(ctx), import('../render/transform.js')]);
      const outcome = await toolkit.transform({
        name,
        domain: opts.domain,
        run: opts.run,
        dryRun: Boolean(opts.dryRun),
        lockTimeoutMs: lockTimeout(opts).timeoutMs,
      });
      ctx.output.result(render.transformDocument(outcome), () => render.renderTransformOutcome(outcome));
    });
}
