import { Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import { withStep } from '../../io/spinner.js';
import { contextFor } from '../context.js';
import { loadWorkspaceFor, lockTimeoutOption, withTargetLock } from './shared.js';

/** The service functions and renderers load only when a subcommand runs (no SDK for `mesh --help`). */
async function setup(command: Command) {
  const ctx = contextFor(command);
  const { workspace, target } = await loadWorkspaceFor(ctx);
  const [service, report] = await Promise.all([import('../../personalize/service.js'), import('../../personalize/report.js')]);
  const opts = command.opts() as { domain?: string };
  const awsOptions = {
    ...(ctx.globals.profile ? { profile: ctx.globals.profile } : {}),
    ...(ctx.globals.region ? { region: ctx.globals.region } : {}),
    centralAccount: workspace.mesh.central.account,
  };
  const run = { workspace, target, output: ctx.output, signal: ctx.signal, awsOptions, ...(opts.domain ? { domain: opts.domain } : {}) };
  return { ctx, run, service, report };
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} takes a positive whole number (got "${value}").`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function filterValues(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0) throw usageError(`--filter-value takes NAME=VALUE (got "${p}").`, 'e.g. --filter-value GENRE=\'"rock","jazz"\'');
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}

const domainOption = () => new Option('--domain <name>', 'the consumer domain (default: the only one with a Personalize template)');
const solutionOption = () => new Option('--solution <name>', 'only this solution (repeatable)').argParser(collect);

function trainCommand(): Command {
  return new Command('train')
    .description('build and validate the datasets, then import and train (aws) or train the local engine; prints the metrics')
    .addOption(domainOption())
    .addOption(solutionOption())
    .option('--incremental', 'aws: INCREMENTAL import (adds to the data instead of replacing it)')
    .addOption(new Option('--training-mode <mode>', "override the solutions' trainingMode").choices(['FULL', 'UPDATE']))
    .option('--new-version', 'train a new solution version even when one exists for the same data')
    .option('--dry-run', 'build, check and export the datasets only: no upload, no Personalize call, no training')
    .addOption(lockTimeoutOption())
    .action(
      async (
        opts: {
          solution?: string[];
          incremental?: boolean;
          trainingMode?: 'FULL' | 'UPDATE';
          newVersion?: boolean;
          dryRun?: boolean;
          lockTimeout?: number;
        },
        command: Command,
      ) => {
        const { ctx, run, service, report } = await setup(command);
        const train = () =>
          service.trainPersonalize(run, {
            ...(opts.solution ? { solutions: opts.solution } : {}),
            incremental: Boolean(opts.incremental),
            ...(opts.trainingMode ? { trainingMode: opts.trainingMode } : {}),
            newVersion: Boolean(opts.newVersion),
            dryRun: Boolean(opts.dryRun),
          });
        // on aws the waits show their own progress (the waiter); locally the engine shows as one step
        const result = await withTargetLock(ctx, run, opts, () =>
          run.target === 'local' && !opts.dryRun ? withStep(ctx.output, 'Training the local recommender', train, () => 'Trained') : train(),
        );
        ctx.output.result(result, () => report.renderTrain(result, ctx.output.style));
      },
    );
}

function deployCommand(): Command {
  return new Command('deploy')
    .description('create or update the campaigns to the newest solution version (gated on the metrics), the filters and the event tracker')
    .addOption(domainOption())
    .addOption(solutionOption())
    .option('--force', 'deploy even when the new version is worse than the deployed one by more than deployGate.threshold')
    .option('--dry-run', 'evaluate the gate and show what would be created or updated; change nothing')
    .option(
      '--min-tps <n>',
      "override the campaigns' minProvisionedTPS (billed hourly; capped by maxProvisionedTPS)",
      positiveInt('--min-tps'),
    )
    .addOption(lockTimeoutOption())
    .action(
      async (opts: { solution?: string[]; force?: boolean; minTps?: number; dryRun?: boolean; lockTimeout?: number }, command: Command) => {
        const { ctx, run, service, report } = await setup(command);
        const result = await withTargetLock(ctx, run, opts, () =>
          service.deployPersonalize(run, {
            ...(opts.solution ? { solutions: opts.solution } : {}),
            force: Boolean(opts.force),
            dryRun: Boolean(opts.dryRun),
            ...(opts.minTps !== undefined ? { minProvisionedTPS: opts.minTps } : {}),
          }),
        );
        ctx.output.result(result, () => report.renderDeploy(result, ctx.output.style));
      },
    );
}

function statusCommand(): Command {
  return new Command('status')
    .description('what is trained, deployed and in progress; continues an interrupted train or deploy (aws)')
    .addOption(domainOption())
    .option('--no-wait', 'only report; do not wait for jobs in progress or resume')
    .addOption(lockTimeoutOption())
    .action(async (opts: { wait: boolean; lockTimeout?: number }, command: Command) => {
      const { ctx, run, service, report } = await setup(command);
      // Resuming an interrupted train or deploy (aws, waiting) changes the target: it takes the lock; --no-wait only reads.
      const readOnly = !opts.wait || run.target === 'local';
      const result = await withTargetLock(ctx, run, { ...opts, dryRun: readOnly }, () =>
        service.personalizeStatus(run, { wait: opts.wait }),
      );
      ctx.output.result(result, () => report.renderStatus(result, ctx.output.style));
    });
}

function recommendCommand(): Command {
  return new Command('recommend')
    .description('recommendations for a user (or items similar to an item), as GetRecommendations returns them')
    .addOption(domainOption())
    .option('--user <id>', 'recommend for this user')
    .option('--item <id>', 'items similar to this item')
    .option('--num <n>', 'how many', positiveInt('--num'), 25)
    .option('--filter <name>', 'a filter from personalize.yaml (default: defaultFilter)')
    .option('--no-filter', 'no filter, not even the default one')
    .option('--filter-value <NAME=VALUE>', 'a value for a $NAME placeholder of the filter (repeatable)', collect)
    .option('--solution <name>', 'the solution whose campaign answers (default: by request kind)')
    .action(
      async (
        opts: { user?: string; item?: string; num: number; filter?: string | boolean; filterValue?: string[]; solution?: string },
        command: Command,
      ) => {
        if ((opts.user === undefined) === (opts.item === undefined)) throw usageError('Give --user <id> or --item <id> (one of them).');
        const { ctx, run, service, report } = await setup(command);
        const values = filterValues(opts.filterValue);
        const result = await service.recommendPersonalize(run, {
          ...(opts.user !== undefined ? { userId: opts.user } : {}),
          ...(opts.item !== undefined ? { itemId: opts.item } : {}),
          numResults: opts.num,
          ...(opts.filter === false ? { filter: null } : typeof opts.filter === 'string' ? { filter: opts.filter } : {}),
          ...(values ? { filterValues: values } : {}),
          ...(opts.solution ? { solution: opts.solution } : {}),
        });
        ctx.output.result(result, () => report.renderRecommendations(result));
      },
    );
}

function rollbackCommand(): Command {
  return new Command('rollback')
    .description('return each campaign to the solution version it served before the last deploy')
    .addOption(domainOption())
    .addOption(solutionOption())
    .addOption(lockTimeoutOption())
    .action(async (opts: { solution?: string[]; lockTimeout?: number }, command: Command) => {
      const { ctx, run, service, report } = await setup(command);
      const result = await withTargetLock(ctx, run, opts, () =>
        service.rollbackPersonalize(run, opts.solution ? { solutions: opts.solution } : {}),
      );
      ctx.output.result(result, () => report.renderRollback(result));
    });
}

export function personalizeCommand(): Command {
  const command = new Command('personalize').description('recommendations: train, deploy (metrics-gated), status, recommend, rollback');
  for (const sub of [trainCommand(), deployCommand(), statusCommand(), recommendCommand(), rollbackCommand()])
    command.addCommand(sub.exitOverride());
  return command;
}
