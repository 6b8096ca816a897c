/** The `mesh personalize` subcommands' flags (commander options) and their translation into toolkit inputs. */
import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import type { DeployInput } from '../../personalize/deployment.js';
import type { RecommendRequest, TrainInput } from '../../personalize/port.js';
import type { PersonalizeCallOptions } from '../../toolkit/personalize.js';
import { lockTimeoutOption } from './shared.js';

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} takes a positive whole number (got "${value}").`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function filterValues(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0) throw usageError(`--filter-value takes NAME=VALUE (got "${p}").`, 'e.g. --filter-value GENRE=\'"rock","jazz"\'');
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}

/** Every flag a `mesh personalize` subcommand may have, as commander parses them. */
export interface PersonalizeFlags {
  readonly domain?: string;
  readonly lockTimeout?: number;
  readonly solution?: string[] | string;
  readonly incremental?: boolean;
  readonly trainingMode?: 'FULL' | 'UPDATE';
  readonly newVersion?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly minTps?: number;
  readonly wait?: boolean;
  readonly user?: string;
  readonly item?: string;
  readonly num?: number;
  readonly filter?: string | boolean;
  readonly filterValue?: string[];
}

const solutionOption = () => new Option('--solution <name>', 'only this solution (repeatable)').argParser(collect);
const names = (o: PersonalizeFlags) => (Array.isArray(o.solution) ? { solutions: o.solution } : {});

/** --domain and --lock-timeout, for every call. */
export function callOptions(o: PersonalizeFlags): PersonalizeCallOptions {
  return { ...(o.domain ? { domain: o.domain } : {}), lockTimeoutMs: o.lockTimeout ?? 0 };
}

/** What each subcommand does, for --help. */
export const ABOUT: Record<keyof typeof FLAGS, string> = {
  train: 'build and validate the datasets, then import and train (aws) or train the local engine; prints the metrics',
  deploy: 'create or update the campaigns to the newest solution version (gated on the metrics), the filters and the event tracker',
  status: 'what is trained, deployed and in progress; continues an interrupted train or deploy (aws)',
  recommend: 'recommendations for a user (or items similar to an item), as GetRecommendations returns them',
  rollback: 'return each campaign to the solution version it served before the last deploy',
};

/** Each subcommand's own flags (--domain is everyone's; --lock-timeout every one that changes the target). */
export const FLAGS: Record<'train' | 'deploy' | 'status' | 'recommend' | 'rollback', (c: Command) => Command> = {
  train: (c) =>
    c
      .addOption(solutionOption())
      .option('--incremental', 'aws: INCREMENTAL import (adds to the data instead of replacing it)')
      .addOption(new Option('--training-mode <mode>', "override the solutions' trainingMode").choices(['FULL', 'UPDATE']))
      .option('--new-version', 'train a new solution version even when one exists for the same data')
      .option('--dry-run', 'build, check and export the datasets only: no upload, no Personalize call, no training')
      .addOption(lockTimeoutOption()),
  deploy: (c) =>
    c
      .addOption(solutionOption())
      .option('--force', 'deploy even when the new version is worse than the deployed one by more than deployGate.threshold')
      .option('--dry-run', 'evaluate the gate and show what would be created or updated; change nothing')
      .option(
        '--min-tps <n>',
        "override the campaigns' minProvisionedTPS (billed hourly; capped by maxProvisionedTPS)",
        positiveInt('--min-tps'),
      )
      .addOption(lockTimeoutOption()),
  status: (c) => c.option('--no-wait', 'only report; do not wait for jobs in progress or resume').addOption(lockTimeoutOption()),
  recommend: (c) =>
    c
      .option('--user <id>', 'recommend for this user')
      .option('--item <id>', 'items similar to this item')
      .option('--num <n>', 'how many', positiveInt('--num'), 25)
      .option('--filter <name>', 'a filter from personalize.yaml (default: defaultFilter)')
      .option('--no-filter', 'no filter, not even the default one')
      .option('--filter-value <NAME=VALUE>', 'a value for a $NAME placeholder of the filter (repeatable)', collect)
      .option('--solution <name>', 'the solution whose campaign answers (default: by request kind)'),
  rollback: (c) => c.addOption(solutionOption()).addOption(lockTimeoutOption()),
};

export function trainInput(o: PersonalizeFlags): TrainInput {
  return {
    ...names(o),
    incremental: Boolean(o.incremental),
    ...(o.trainingMode ? { trainingMode: o.trainingMode } : {}),
    newVersion: Boolean(o.newVersion),
    dryRun: Boolean(o.dryRun),
  };
}

export function deployInput(o: PersonalizeFlags): DeployInput {
  return { ...names(o), force: Boolean(o.force), dryRun: Boolean(o.dryRun), ...(o.minTps ? { minProvisionedTPS: o.minTps } : {}) };
}

export function rollbackInput(o: PersonalizeFlags): { solutions?: readonly string[] } {
  return names(o);
}

/** `--user U | --item I` (exactly one), `--filter` / `--no-filter`, `--filter-value`, `--solution`. */
export function recommendRequest(o: PersonalizeFlags): RecommendRequest {
  if ((o.user === undefined) === (o.item === undefined)) throw usageError('Give --user <id> or --item <id> (one of them).');
  const values = filterValues(o.filterValue);
  const solution = Array.isArray(o.solution) ? o.solution[0] : o.solution;
  return {
    ...(o.user !== undefined ? { userId: o.user } : {}),
    ...(o.item !== undefined ? { itemId: o.item } : {}),
    numResults: o.num ?? 25,
    ...(o.filter === false ? { filter: null } : typeof o.filter === 'string' ? { filter: o.filter } : {}),
    ...(values ? { filterValues: values } : {}),
    ...(solution ? { solution } : {}),
  };
}
