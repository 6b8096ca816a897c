import { CommanderError } from 'commander';
import { ExitCode, isMeshError, MeshError } from '../core/errors.js';
import { storageError } from '../core/storage-errors.js';
import { colorWanted } from '../io/env.js';
import { createOutput } from '../io/output.js';
import { clearCurrentContext, currentContext, installSignalHandlers, takeRequestedExitCode } from './context.js';
import { addExamples } from './examples.js';
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
 * The one place that turns results and errors into an exit code. Library code throws MeshError; this catches,
 * renders (stderr, or one JSON document on stdout with --json) and sets process.exitCode. It never calls
 * process.exit, so finally blocks run and tests can call it in-process.
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  installSignalHandlers();
  endQuietlyOnClosedStdout();
  clearCurrentContext();
  const program = quietCommanderErrors(addExamples(buildProgram()));
  let code: number;
  try {
    await program.parseAsync([...argv]);
    const ctx = currentContext();
    if (ctx?.output.json) {
      const doc = ctx.output.takeJsonResult();
      // A streaming command (events tail --json) already wrote NDJSON lines: no closing document.
      if (!doc.streamed) process.stdout.write(`${JSON.stringify(doc.has ? doc.value : { ok: true }, null, 2)}\n`);
    }
    code = takeRequestedExitCode();
  } catch (error) {
    code = report(error instanceof CommanderError && !isHelp(error) ? usageError(error, program, argv) : error, argv);
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
        exitCode: ExitCode.Usage,
        cause: error,
      });
    case 'EISDIR':
      return new MeshError('NotAFile', `${e.path ?? 'The path'} is a folder, not a file.`, {
        hint: 'Name a file.',
        exitCode: ExitCode.Usage,
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new MeshError('PermissionDenied', `Permission denied: ${e.path ?? e.message}.`, {
        hint: 'Check the file permissions.',
        exitCode: ExitCode.Usage,
        cause: error,
      });
    case 'EADDRINUSE':
      return new MeshError('PortInUse', `Port ${where ?? ''} is already in use.`, {
        hint: 'Pass --port 0 for any free port, or stop what uses it.',
        exitCode: ExitCode.Usage,
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
  const json = ctx?.output.json ?? argv.includes('--json');
  const output =
    ctx?.output ?? createOutput({ json, verbose: argv.includes('--verbose'), color: colorWanted(!argv.includes('--no-color')) });
  const systemError = isMeshError(error) ? undefined : (storageError(error) ?? fromSystemError(error));
  const meshError = isMeshError(error)
    ? error
    : (systemError ?? new MeshError('InternalError', error instanceof Error ? error.message : String(error), { cause: error }));
  const internal = !isMeshError(error) && systemError === undefined;
  output.error(meshError, internal);
  if (internal && output.verbose && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ error: meshError.toJSON() }, null, 2)}\n`);
  return meshError.exitCode;
}
