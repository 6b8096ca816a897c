import { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderInit } from '../render/init.js';
import { toolkitFor } from './shared.js';

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
    .action(
      async (kind: string | undefined, name: string | undefined, opts: Record<string, string | boolean | undefined>, command: Command) => {
        const ctx = contextFor(command);
        const result = await (await toolkitFor(ctx)).init({ ...opts, kind, name });
        ctx.output.result(result, () => renderInit(result));
      },
    );
}
