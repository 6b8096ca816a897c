// What `mesh --help` loads is only what this file imports statically: commander, the program's shell and the list of
// commands (help-only-commands.ts), the examples and the run's state. The rest loads where it is used: the command a run
// names, chalk and the message renderers before its action, the error report when a run fails.
import { type Command, CommanderError } from 'commander';
import { colorLevel, type ProcessIo, processIo } from '../io/env.js';
import { safeJson } from '../io/terminal-safe.js';
import { addExamples } from './examples.js';
import { programFor, UnloadedCommandReached } from './help-only-commands.js';
import { buildProgram } from './program.js';
import { clearCurrentContext, currentContext, installSignalHandlers, takeRequestedExitCode, useProcessIo } from './run-state.js';

let pipeHandlerInstalled = false;

/**
 * A reader that closes the pipe early (`mesh plan | head -1`) ends the command quietly with exit 0, as git does:
 * nothing more can be shown to anyone, so there is nothing to report.
 */
function endQuietlyOnClosedStdout(): void {
  if (pipeHandlerInstalled) return;
  pipeHandlerInstalled = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exitCode = 0;
    process.exit(0);
  });
}

/**
 * What main runs with, when not the process's own (tests: test/support/cli-harness.ts). `isTTY` true makes stdin,
 * stdout and stderr terminals; `env` is what colour, CI and TTY decisions read (default: process.env).
 */
export interface MainIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env?: NodeJS.ProcessEnv;
  readonly isTTY?: boolean | ProcessIo['isTTY'];
  readonly columns?: number;
}

function toProcessIo(io: MainIo | undefined): ProcessIo {
  if (!io) return processIo();
  const tty = io.isTTY ?? false;
  return {
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env ?? process.env,
    isTTY: typeof tty === 'boolean' ? { stdin: tty, stdout: tty, stderr: tty } : tty,
    ...(io.columns === undefined ? {} : { columns: io.columns }),
  };
}

/**
 * Silences commander's own error lines on every command, so that main renders usage errors in mesh's format, and
 * makes every subcommand throw instead of exiting (main alone sets the exit code).
 */
function quietCommanderErrors(command: Command): Command {
  command.configureOutput({ outputError: () => {} });
  command.exitOverride();
  for (const sub of command.commands) quietCommanderErrors(sub);
  return command;
}

/** commander's own output (help, version) on the run's streams, on every command. */
function commanderOutputTo(command: Command, io: ProcessIo): Command {
  command.configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) });
  for (const sub of command.commands) commanderOutputTo(sub, io);
  return command;
}

/** chalk loads only when a command runs with colour (not for --help), before its context makes the Output. */
async function loadStylesIfWanted(argv: readonly string[], io: ProcessIo): Promise<void> {
  if (colorLevel(!argv.includes('--no-color') && !argv.includes('--json'), io.env, io) > 0)
    await (await import('../io/style.js')).loadStyles();
}

/** The program's output on the run's streams, examples in every help, and chalk and the renderers before an action. */
function setUp(program: Command, argv: readonly string[], pio: ProcessIo): Command {
  commanderOutputTo(quietCommanderErrors(addExamples(program)), pio);
  // chalk and the message renderers load when a command runs, not for --help
  program.hook('preAction', async () => {
    await Promise.all([loadStylesIfWanted(argv, pio), import('./io-host.js').then((m) => m.loadRenderers())]);
  });
  return program;
}

/** The `--json` document: the command's result, with the warnings the run's messages carried (when there were any). */
function jsonDocument(value: unknown, warnings: readonly unknown[]): unknown {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (warnings.length === 0 || !isObject || 'warnings' in value) return value;
  return { ...value, warnings };
}

/**
 * The one place that turns results and errors into an exit code. Library code throws MeshError; this catches,
 * renders (stderr, or one JSON document on stdout with --json) and sets process.exitCode. It never calls
 * process.exit, so finally blocks run and tests can call it in-process, with their own streams (`io`).
 */
export async function main(argv: readonly string[] = process.argv, io?: MainIo): Promise<number> {
  installSignalHandlers();
  if (!io) endQuietlyOnClosedStdout();
  clearCurrentContext();
  const pio = toProcessIo(io);
  useProcessIo(pio);
  let program: Command | undefined;
  let code: number;
  try {
    // Only the command argv names is loaded (help-only-commands.ts); a form that reaches another parses again in full.
    program = setUp(await programFor(argv), argv, pio);
    try {
      await program.parseAsync([...argv]);
    } catch (error) {
      if (!(error instanceof UnloadedCommandReached)) throw error;
      program = setUp(await buildProgram(), argv, pio);
      await program.parseAsync([...argv]);
    }
    const ctx = currentContext();
    if (ctx?.output.json) {
      const doc = ctx.output.takeJsonResult();
      // A streaming command (events tail --json) already wrote NDJSON lines: no closing document.
      const value = jsonDocument(doc.has ? doc.value : { ok: true }, ctx.host.warnings);
      // Text from other teams' files is in it: no character a terminal obeys is printed raw (the value is the same).
      if (!doc.streamed) pio.stdout.write(`${safeJson(value, 2)}\n`);
    }
    code = takeRequestedExitCode();
  } catch (error) {
    if (error instanceof CommanderError && isHelp(error)) {
      code = 0;
    } else {
      await loadStylesIfWanted(argv, pio);
      const [{ reportError }, { usageError }] = await Promise.all([import('./report-error.js'), import('./usage-errors.js')]);
      code = reportError(error instanceof CommanderError && program ? usageError(error, program, argv) : error, argv);
    }
  } finally {
    useProcessIo(undefined);
  }
  process.exitCode = code;
  return code;
}

function isHelp(error: CommanderError): boolean {
  return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
}
