/**
 * The state of one run that main and the commands share: the streams, the running command's context, the exit code
 * a command asks for, and Ctrl-C. Kept apart from context.ts (which builds the Output and the host, and loads with
 * the command) so that `mesh --help` loads only this.
 */
import { type ProcessIo, processIo } from '../io/env.js';
import type { CommandContext } from './context.js';

const controller = new AbortController();
let sigintCount = 0;

/** First Ctrl-C asks every long operation to stop cleanly (exit 130); a second one exits at once. */
let handlersInstalled = false;

export function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', () => {
    sigintCount++;
    if (sigintCount > 1) process.exit(130);
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
}

/** Aborted on Ctrl-C or SIGTERM. */
export const stopSignal: AbortSignal = controller.signal;

let current: CommandContext | undefined;
let io: ProcessIo | undefined;

/** The streams, environment and terminals commands run with (main sets them; default: the process's). */
export function useProcessIo(given: ProcessIo | undefined): void {
  io = given;
}

export function currentIo(): ProcessIo {
  io ??= processIo();
  return io;
}

/** Records the context of the command that is running (contextFor does). */
export function setCurrentContext(context: CommandContext): void {
  current = context;
}

/** Forgets the previous run's context (main may run several times in one process, e.g. in tests). */
export function clearCurrentContext(): void {
  current = undefined;
}

/** The context of the running command (main uses it to print errors in the right mode). */
export function currentContext(): CommandContext | undefined {
  return current;
}

let requestedExitCode = 0;

/** A command that succeeds but must report a status by exit code (e.g. `plan --detailed-exitcode`). main sets it. */
export function requestExitCode(code: number): void {
  requestedExitCode = code;
}

/** Reads and clears the requested code (main may run several times in one process, e.g. in tests). */
export function takeRequestedExitCode(): number {
  const code = requestedExitCode;
  requestedExitCode = 0;
  return code;
}
