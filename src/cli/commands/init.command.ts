import path from 'node:path';
import { Command } from 'commander';
import type { InitResult } from '../../scaffold/init.js';
import { contextFor } from '../context.js';

interface InitOptions {
  example?: string;
  dir?: string;
  mesh?: string;
  account?: string;
  centralAccount?: string;
  clusterArn?: string;
  ownerTeam?: string;
  ownerContact?: string;
  storage?: string;
  useCase?: string;
  force?: boolean;
  dryRun?: boolean;
  ci?: string;
  githubOrg?: string;
  platformTeam?: string;
}

function renderInit(result: InitResult): string {
  const lines = [
    `${result.dryRun ? 'Would create' : 'Created'} ${result.created.length} file${result.created.length === 1 ? '' : 's'} in ${result.root}${result.dryRun ? ' (dry run: nothing written)' : ''}:`,
    ...result.created.map((f) => `  ${f}`),
  ];
  if (result.overwritten.length > 0)
    lines.push(`${result.dryRun ? 'Would overwrite' : 'Overwrote'} (--force):`, ...result.overwritten.map((f) => `  ${f}`));
  if (result.edited.length > 0) lines.push(`${result.dryRun ? 'Would update' : 'Updated'}: ${result.edited.join(', ')}`);
  if (result.unchanged && result.unchanged.length > 0) lines.push(`Already up to date: ${result.unchanged.join(', ')}`);
  if (result.warnings && result.warnings.length > 0) lines.push('To do by hand:', ...result.warnings.map((w) => `  ${w}`));
  lines.push('Next:', ...result.next.map((c) => `  ${c}`));
  return lines.join('\n');
}

export function initCommand(): Command {
  return new Command('init')
    .description('create a mesh workspace, add a producer or consumer domain, or lay out an example')
    .argument('[kind]', 'mesh, producer or consumer (asked when left out)')
    .argument('[name]', 'name of the mesh or domain')
    .option('--example <name>', 'lay out an example workspace: music-streaming')
    .option('--dir <folder>', 'folder to create in (default: the current folder)')
    .option('--account <id>', 'AWS account id of the domain (of the central catalog for `init mesh`)')
    .option('--owner-team <team>', 'owner team of the domain')
    .option('--owner-contact <contact>', 'owner contact of the domain (email or channel)')
    .option('--storage <kind>', 'producer storage: relational, key-value or event-files')
    .option('--use-case <case>', 'consumer use case: stream-handler or recommendations')
    .option('--mesh <name>', 'mesh name, when a domain is created outside a workspace')
    .option('--central-account <id>', 'central catalog account, when a domain is created outside a workspace')
    .option('--cluster-arn <arn>', 'MSK cluster ARN (target aws)')
    .option('--ci <provider>', 'write the CI workflow and CODEOWNERS (github) for this workspace or with --example')
    .option('--github-org <org>', 'GitHub organisation of the owner teams in CODEOWNERS (@<org>/<team>)')
    .option('--platform-team <team>', 'team owning mesh.yaml and the workflow in CODEOWNERS', 'platform-team')
    .option('--force', 'overwrite files that exist')
    .option('--dry-run', 'list the files, write nothing')
    .addHelpText(
      'after',
      [
        '',
        'Global --target and --region answer those questions. Without a TTY (or with --yes / CI=true) nothing is',
        'asked: defaults are used, and a value without a default fails naming its flag.',
      ].join('\n'),
    )
    .action(async (kind: string | undefined, name: string | undefined, opts: InitOptions, command: Command) => {
      const ctx = contextFor(command);
      const { runInit } = await import('../../scaffold/init.js');
      const result = await runInit(
        {
          dir: path.resolve(ctx.globals.cwd, opts.dir ?? '.'),
          kind,
          name,
          example: opts.example,
          mesh: opts.mesh,
          target: ctx.globals.target,
          region: ctx.globals.region,
          account: opts.account,
          centralAccount: opts.centralAccount,
          clusterArn: opts.clusterArn,
          ownerTeam: opts.ownerTeam,
          ownerContact: opts.ownerContact,
          storage: opts.storage,
          useCase: opts.useCase,
          force: opts.force,
          dryRun: opts.dryRun,
          ci: opts.ci,
          githubOrg: opts.githubOrg,
          platformTeam: opts.platformTeam,
        },
        ctx.prompts,
      );
      ctx.output.result(result, () => renderInit(result));
    });
}
