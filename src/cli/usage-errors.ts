import type { Command, CommanderError } from 'commander';
import { closestMatch, MeshError } from '../core/errors.js';

/** The deepest command that argv names (`mesh events produce …` → events produce). */
function commandOf(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const word of argv.slice(2)) {
    if (word.startsWith('-')) continue;
    const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    command = next;
  }
  return command;
}

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** A subcommand close to `word`: a typo of its name, of its first part (`publsh` → publish-product), or a prefix. */
function similarCommand(command: Command, word: string): string | undefined {
  const names = command.commands.map((c) => c.name());
  const byPart = new Map(names.map((n) => [n.split('-')[0] ?? n, n]));
  const part = closestMatch(word, [...byPart.keys()]);
  return closestMatch(word, names) ?? (part ? byPart.get(part) : undefined) ?? names.find((n) => n.startsWith(word));
}

/** A commander parse error as a MeshError: a code, the message without commander's prefix, a did-you-mean first. */
export function usageError(error: CommanderError, program: Command, argv: readonly string[]): MeshError {
  const raw = error.message.replace(/^error: /, '').trim();
  const command = commandOf(program, argv);
  const unknown = /unknown command '(.+?)'/.exec(raw)?.[1];
  const suggestion = /\(Did you mean (.+?)\?\)/.exec(raw)?.[1] ?? (unknown ? similarCommand(command, unknown) : undefined);
  const message = `${raw.replace(/\s*\(Did you mean .+?\?\)/, '').replace(/\.$/, '')}.`;
  const help = `Run \`${pathOf(command)} --help\` for usage.`;
  const hint = suggestion ? `Did you mean \`${pathOf(command)} ${suggestion.replace(/^mesh /, '')}\`? ${help}` : help;
  // unknown options: commander suggests "--flag"
  const optionHint = suggestion?.startsWith('-') ? `Did you mean ${suggestion}? ${help}` : hint;
  // one code for every usage error (exit 2), as for mesh's own; `details.kind` says which
  return new MeshError('UsageError', message, {
    hint: error.code === 'commander.unknownOption' ? optionHint : hint,
    details: { kind: error.code.replace(/^commander\./, '') },
    cause: error,
  });
}
