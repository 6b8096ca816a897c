import { Command, Option } from 'commander';
import { version } from './version.js';

/** One top-level command: its name, and the command module that defines it (loaded only when it is needed). */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
}

/**
 * The central registration list: one line per command, in the order `mesh --help` lists them. Each module loads
 * only when its command runs (or for the full program): `mesh --help` and `mesh validate` do not compile the other
 * twenty. Command modules import only commander at load time.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', load: async () => (await import('./commands/init.command.js')).initCommand() },
  { name: 'bootstrap', load: async () => (await import('./commands/bootstrap.command.js')).bootstrapCommand() },
  { name: 'validate', load: async () => (await import('./commands/validate.command.js')).validateCommand() },
  { name: 'plan', load: async () => (await import('./commands/plan.command.js')).planCommand() },
  { name: 'apply', load: async () => (await import('./commands/apply.command.js')).applyCommand() },
  { name: 'publish-product', load: async () => (await import('./commands/publish.command.js')).publishCommand() },
  { name: 'subscribe', load: async () => (await import('./commands/subscribe.command.js')).subscribeCommand() },
  { name: 'unsubscribe', load: async () => (await import('./commands/subscribe.command.js')).unsubscribeCommand() },
  { name: 'access', load: async () => (await import('./commands/access.command.js')).accessCommand() },
  { name: 'catalog', load: async () => (await import('./commands/catalog.command.js')).catalogCommand() },
  { name: 'describe', load: async () => (await import('./commands/catalog.command.js')).describeCommand() },
  { name: 'query', load: async () => (await import('./commands/query.command.js')).queryCommand() },
  { name: 'transform', load: async () => (await import('./commands/transform.command.js')).transformCommand() },
  { name: 'events', load: async () => (await import('./commands/events.command.js')).eventsCommand() },
  { name: 'dev', load: async () => (await import('./commands/dev.command.js')).devCommand() },
  { name: 'personalize', load: async () => (await import('./commands/personalize.command.js')).personalizeCommand() },
  { name: 'portal', load: async () => (await import('./commands/portal.command.js')).portalCommand() },
  { name: 'status', load: async () => (await import('./commands/status.command.js')).statusCommand() },
  { name: 'doctor', load: async () => (await import('./commands/doctor.command.js')).doctorCommand() },
  { name: 'unlock', load: async () => (await import('./commands/unlock.command.js')).unlockCommand() },
  { name: 'destroy', load: async () => (await import('./commands/destroy.command.js')).destroyCommand() },
];

/** `mesh` itself: its description, version and global flags, without its commands. */
export function programShell(): Command {
  return new Command('mesh')
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
}

/** Adds a command as the program registers every command. */
export function register(program: Command, command: Command): void {
  program.addCommand(command.exitOverride());
}

/** The whole program, every command fully defined (tests, the build's command list, and main's fallback). */
export async function buildProgram(): Promise<Command> {
  const program = programShell();
  for (const command of await Promise.all(COMMANDS.map((entry) => entry.load()))) register(program, command);
  return program;
}
