import { CommanderError } from 'commander';
import { ExitCode, isMeshError, MeshError } from '../core/errors.js';
import { colorWanted } from '../io/env.js';
import { createOutput } from '../io/output.js';
import { clearCurrentContext, currentContext, installSignalHandlers, takeRequestedExitCode } from './context.js';
import { buildProgram } from './program.js';

/**
 * The one place that turns results and errors into an exit code. Library code throws MeshError; this catches,
 * renders (stderr, or one JSON document on stdout with --json) and sets process.exitCode. It never calls
 * process.exit, so finally blocks run and tests can call it in-process.
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  installSignalHandlers();
  clearCurrentContext();
  const program = buildProgram();
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
    code = report(error, argv);
  }
  process.exitCode = code;
  return code;
}

function report(error: unknown, argv: readonly string[]): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    // commander already printed its message to stderr
    return ExitCode.Usage;
  }
  const ctx = currentContext();
  const json = ctx?.output.json ?? argv.includes('--json');
  const output =
    ctx?.output ?? createOutput({ json, verbose: argv.includes('--verbose'), color: colorWanted(!argv.includes('--no-color')) });
  const meshError = isMeshError(error)
    ? error
    : new MeshError('InternalError', error instanceof Error ? error.message : String(error), { cause: error });
  const internal = !isMeshError(error);
  if (internal && error instanceof Error && error.stack && !output.verbose) {
    // keep the stack reachable without --verbose noise: it is printed with --verbose
  }
  output.error(meshError, internal);
  if (internal && output.verbose && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ error: meshError.toJSON() }, null, 2)}\n`);
  return meshError.exitCode;
}
