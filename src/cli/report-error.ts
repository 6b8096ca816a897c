/**
 * How main reports an error: a MeshError (or an operating-system error the user can fix, or an internal error) on
 * stderr, or as the one JSON document with --json; returns the exit code. Loaded only when a run fails.
 */
import { CommanderError } from 'commander';
import { ExitCode, isMeshError, MeshError } from '../core/errors.js';
import { storageError } from '../core/storage-errors.js';
import { colorLevel } from '../io/env.js';
import { createOutput } from '../io/output.js';
import { safeJson } from '../io/terminal-safe.js';
import { currentContext, currentIo } from './run-state.js';

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

/** Prints `error` in the run's mode and returns its exit code (a commander error here is a usage error). */
export function reportError(error: unknown, argv: readonly string[]): number {
  if (error instanceof CommanderError) return ExitCode.Usage;
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
  if (json) io.stdout.write(`${safeJson({ error: meshError.toJSON() }, 2)}\n`);
  return meshError.exitCode;
}
