import { type Command, CommanderError } from 'commander';
import { ExitCode, isMeshError, MeshError } from '../core/errors.js';
import { storageError } from '../core/storage-errors.js';
import { colorLevel, type ProcessIo, processIo } from '../io/env.js';
import { createOutput } from '../io/output.js';
import { loadStyles } from '../io/style.js';
import { clearCurrentContext, currentContext, currentIo, installSignalHandlers, takeRequestedExitCode, useProcessIo } from './context.js';
import { addExamples } from './examples.js';
import { loadRenderers } from './io-host.js';
import { buildProgram } from './program.js';
import { quietCommanderErrors, usageError } from './usage-errors.js';

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

/** commander's own output (help, version) on the run's streams, on every command. */
function commanderOutputTo(command: Command, io: ProcessIo): Command {
  command.configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) });
  for (const sub of command.commands) commanderOutputTo(sub, io);
  return command;
}

/** chalk loads only when a command runs with colour (not for --help), before its context makes the Output. */
async function loadStylesIfWanted(argv: readonly string[], io: ProcessIo): Promise<void> {
  if (colorLevel(!argv.includes('--no-color') && !argv.includes('--json'), io.env, io) > 0) await loadStyles();
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
  const program = commanderOutputTo(quietCommanderErrors(addExamples(buildProgram())), pio);
  // chalk and the message renderers load when a command runs, not for --help
  program.hook('preAction', async () => {
    await Promise.all([loadStylesIfWanted(argv, pio), loadRenderers()]);
  });
  let code: number;
  try {
    await program.parseAsync([...argv]);
    const ctx = currentContext();
    if (ctx?.output.json) {
      const doc = ctx.output.takeJsonResult();
      // A streaming command (events tail --json) already wrote NDJSON lines: no closing document.
      const value = jsonDocument(doc.has ? doc.value : { ok: true }, ctx.host.warnings);
      if (!doc.streamed) pio.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    }
    code = takeRequestedExitCode();
  } catch (error) {
    await loadStylesIfWanted(argv, pio);
    code = report(error instanceof CommanderError && !isHelp(error) ? usageError(error, program, argv) : error, argv);
  } finally {
    useProcessIo(undefined);
  }
  process.exitCode = code;
  return code;
}

/** Errors from the operating system that are the user's to fix, not bugs. */
function fromSystemError(error: unknown): MeshError | undefined {
  const e = error as NodeJS.ErrnoException;
  const where = e?.path ?? (e as { address?: string; port?: number })?.port;
  switch (e?.code) {
    case 'ENOENT':
      return new MeshError('FileNotFound', `No such file or folder: ${e.path ?? e.message}.`, {
        hint: 'Check the path.',
        cause: error,
      });
    case 'EISDIR':
      return new MeshError('NotAFile', `${e.path ?? 'The path'} is a folder, not a file.`, {
        hint: 'Name a file.',
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new MeshError('PermissionDenied', `Permission denied: ${e.path ?? e.message}.`, {
        hint: 'Check the file permissions.',
        cause: error,
      });
    case 'EADDRINUSE':
      return new MeshError('PortInUse', `Port ${where ?? ''} is already in use.`, {
        hint: 'Pass --port 0 for any free port, or stop what uses it.',
        cause: error,
      });
    default:
      return undefined;
  }
}

function isHelp(error: CommanderError): boolean {
  return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
}

function report(error: unknown, argv: readonly string[]): number {
  if (error instanceof CommanderError) return isHelp(error) ? 0 : ExitCode.Usage;
  const ctx = currentContext();
  const io = currentIo();
  const json = ctx?.output.json ?? argv.includes('--json');
  const output =
    ctx?.output ??
    createOutput({
      json,
      verbose: argv.includes('--verbose'),
      color: colorLevel(!argv.includes('--no-color'), io.env, io),
      stdout: io.stdout,
      stderr: io.stderr,
    });
  const systemError = isMeshError(error) ? undefined : (storageError(error) ?? fromSystemError(error));
  const meshError = isMeshError(error)
    ? error
    : (systemError ?? new MeshError('InternalError', error instanceof Error ? error.message : String(error), { cause: error }));
  const internal = !isMeshError(error) && systemError === undefined;
  output.error(meshError, internal);
  if (internal && output.verbose && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
  if (json) io.stdout.write(`${JSON.stringify({ error: meshError.toJSON() }, null, 2)}\n`);
  return meshError.exitCode;
}
