import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { withStep } from '../../io/spinner.js';
import { contextFor } from '../context.js';
import { loadWorkspaceFor, lockTimeoutOption, withTargetLock } from './shared.js';

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
      const { workspace, target } = await loadWorkspaceFor(ctx);
      const domain = workspace.domains.find((d) => d.name === opts.domain);
      if (!domain) throw usageError(`No domain named "${opts.domain}".`, `Domains: ${workspace.domains.map((d) => d.name).join(', ')}.`);
      const transform = domain.transforms.find((t) => t.name === name);
      if (!transform) {
        throw usageError(
          `Domain ${domain.name} declares no transform "${name}".`,
          domain.transforms.length > 0
            ? `Transforms: ${domain.transforms.map((t) => t.name).join(', ')}.`
            : `Declare it under transforms: in ${domain.file}.`,
        );
      }
      const out = ctx.output;
      if (target === 'local') {
        if (opts.dryRun) {
          out.result({ target, transform: name, sql: transform.sql }, transform.sql);
          return;
        }
        const { runTransform } = await import('../../transforms/run-transform.js');
        const run = await withTargetLock(ctx, { workspace, target }, opts, () =>
          withStep(
            out,
            `Running transform ${name} (DuckDB)`,
            () => runTransform(workspace, domain.name, name),
            (r) => `${r.rowCount} row(s) written`,
          ),
        );
        out.result(run, `${run.rowCount} row(s) from ${run.sources.join(', ')} → ${run.output}`);
        return;
      }
      const { renderTransform } = await import('../../transforms/render-aws.js');
      const artefacts = renderTransform(workspace, domain, transform);
      if (opts.dryRun) {
        out.result(
          { target, ...artefacts },
          artefacts.engine === 'glue' ? `${artefacts.script}\n# CreateJob: ${JSON.stringify(artefacts.createJob, null, 2)}` : artefacts.sql,
        );
        return;
      }
      const { runTransformOnAws } = await import('../../transforms/run-on-aws.js');
      const { result, summary } = await withTargetLock(ctx, { workspace, target }, opts, () =>
        runTransformOnAws({
          workspace,
          domain,
          transform: name,
          engine: artefacts.engine,
          output: out,
          signal: ctx.signal,
          run: opts.run,
          aws: { profile: ctx.globals.profile, region: ctx.globals.region },
        }),
      );
      out.result(result, summary);
    });
}
