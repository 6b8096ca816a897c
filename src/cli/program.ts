import { Command, Option } from 'commander';
import { accessCommand } from './commands/access.command.js';
import { applyCommand } from './commands/apply.command.js';
import { bootstrapCommand } from './commands/bootstrap.command.js';
import { catalogCommand, describeCommand } from './commands/catalog.command.js';
import { destroyCommand } from './commands/destroy.command.js';
import { devCommand } from './commands/dev.command.js';
import { doctorCommand } from './commands/doctor.command.js';
import { eventsCommand } from './commands/events.command.js';
import { initCommand } from './commands/init.command.js';
import { personalizeCommand } from './commands/personalize.command.js';
import { planCommand } from './commands/plan.command.js';
import { portalCommand } from './commands/portal.command.js';
import { publishCommand } from './commands/publish.command.js';
import { queryCommand } from './commands/query.command.js';
import { statusCommand } from './commands/status.command.js';
import { subscribeCommand, unsubscribeCommand } from './commands/subscribe.command.js';
import { transformCommand } from './commands/transform.command.js';
import { unlockCommand } from './commands/unlock.command.js';
import { validateCommand } from './commands/validate.command.js';
import { version } from './version.js';

/** The central registration list: one line per command. Command modules import only commander at load time. */
export function buildProgram(): Command {
  const program = new Command('mesh')
    .description('Data-mesh domains on AWS from files in your repo: publish, subscribe, stream, recommend.')
    .version(version, '-V, --version')
    .addOption(new Option('--target <target>', 'where to run: local (embedded) or aws').choices(['local', 'aws']))
    .option('--profile <name>', 'AWS profile for the central account (domains name their own)')
    .option('--region <region>', 'AWS region override')
    .option('-C, --cwd <dir>', 'workspace folder (default: the current folder)')
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .option('-y, --yes', 'answer yes to confirmations and use defaults for prompts (never blocks)')
    .option('--verbose', 'print debug detail and stack traces to stderr')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .showSuggestionAfterError(true)
    .exitOverride();

  for (const command of [
    initCommand(),
    bootstrapCommand(),
    validateCommand(),
    planCommand(),
    applyCommand(),
    publishCommand(),
    subscribeCommand(),
    unsubscribeCommand(),
    accessCommand(),
    catalogCommand(),
    describeCommand(),
    queryCommand(),
    transformCommand(),
    eventsCommand(),
    devCommand(),
    personalizeCommand(),
    portalCommand(),
    statusCommand(),
    doctorCommand(),
    unlockCommand(),
    destroyCommand(),
  ]) {
    program.addCommand(command.exitOverride());
  }
  return program;
}
