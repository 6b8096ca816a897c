/**
 * Start-up without the twenty commands a run does not use. The bundle's build (scripts/build-cli.mjs) writes
 * `commands.json` beside it: each top-level command's line in `mesh --help` (name, aliases, commander's term, its
 * description), taken from the full program. main then defines in full only the command argv names (none for
 * `mesh --help`), and the others as help-only commands that show the same line in the help. Without that file (dist/cli, tests
 * from src) every command is loaded, as the full program.
 */
import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { buildProgram, COMMANDS, programShell, register } from './program.js';

/** One line of `mesh --help`, as the build took it from the full program. */
export interface CommandLine {
  readonly name: string;
  readonly aliases: readonly string[];
  /** commander's term for it in the list: name, `[options]` when it has any, its arguments. */
  readonly term: string;
  readonly description: string;
  readonly summary: string;
}

/** The file the build writes beside the bundle's main.js. */
export const COMMAND_LIST_FILE = 'commands.json';

/** Thrown by a help-only command's action: argv named a command that was not loaded (main then parses with the full program). */
export class UnloadedCommandReached extends Error {
  constructor(name: string) {
    super(`mesh ${name} was not loaded`);
    this.name = 'UnloadedCommandReached';
  }
}

/** The build's list, when it is here and names the registered commands in their order (else undefined). */
function commandList(): readonly CommandLine[] | undefined {
  let list: CommandLine[];
  try {
    list = JSON.parse(readFileSync(new URL(`./${COMMAND_LIST_FILE}`, import.meta.url), 'utf8')) as CommandLine[];
  } catch {
    return undefined;
  }
  const same = Array.isArray(list) && list.length === COMMANDS.length && list.every((l, i) => l.name === COMMANDS[i]?.name);
  return same ? list : undefined;
}

/**
 * The first word of `args` that is not a global flag or a global flag's value: the command commander will run.
 * A form this does not follow (`-yC dir`) only costs a second parse: the help-only command it reaches throws UnloadedCommandReached.
 */
function commandWord(program: Command, args: readonly string[]): string | undefined {
  const takesValue = new Set<string>();
  for (const o of program.options) {
    if (!o.required && !o.optional) continue;
    if (o.long) takesValue.add(o.long);
    if (o.short) takesValue.add(o.short);
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return args[i + 1];
    if (arg.length > 1 && arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    return arg;
  }
  return undefined;
}

/** A command's line in the help, and nothing else: its action asks main for the full program. */
function helpOnly(line: CommandLine): Command {
  const command = new Command(line.name)
    .aliases([...line.aliases])
    .description(line.description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UnloadedCommandReached(line.name);
    });
  return line.summary ? command.summary(line.summary) : command;
}

/**
 * The program for this argv: with the build's list, the command argv names (or, after `help`, the one it asks
 * about) in full and the others help-only; without it, every command in full.
 */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const list = commandList();
  if (!list) return buildProgram();
  const program = programShell();
  const args = argv.slice(2);
  let word = commandWord(program, args);
  if (word === 'help') word = commandWord(program, args.slice(args.indexOf('help') + 1));
  const at = word === undefined ? -1 : list.findIndex((l) => l.name === word || l.aliases.includes(word));
  const full = at >= 0 ? await COMMANDS[at]?.load() : undefined;
  const terms = new Map<Command, string>();
  list.forEach((line, i) => {
    const command = i === at && full ? full : helpOnly(line);
    if (command !== full) terms.set(command, line.term);
    register(program, command);
  });
  program.configureHelp({
    subcommandTerm(this: Help, command: Command): string {
      return terms.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
  return program;
}

/**
 * What the build writes to commands.json: every top-level command's line, from the full program.
 * @public (scripts/build-cli.mjs calls it on dist/)
 */
export async function commandLines(): Promise<CommandLine[]> {
  const program = await buildProgram();
  const help = program.createHelp();
  return program.commands.map((c) => ({
    name: c.name(),
    aliases: c.aliases(),
    term: help.subcommandTerm(c),
    description: c.description(),
    summary: c.summary(),
  }));
}
