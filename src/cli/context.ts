import path from 'node:path';
import type { Command } from 'commander';
import { colorLevel, isInteractive, type ProcessIo, processIo, stderrCanRedraw } from '../io/env.js';
import { createOutput, type Output } from '../io/output.js';
import type { PromptPolicy } from '../io/prompts.js';
import type { Target } from '../workspace/model.js';
import { type CliHost, createCliHost } from './io-host.js';

/** The global flags, on every command. */
export interface GlobalOptions {
  readonly cwd: string;
  readonly target?: Target;
  readonly profile?: string;
  readonly region?: string;
  readonly json: boolean;
  readonly yes: boolean;
  readonly verbose: boolean;
  readonly color: boolean;
}

/**
 * What a command's action gets: parsed globals, an Output (the command's result and its own lines), the host the
 * engine, the planes and the toolkit send their messages to (rendered onto that Output), a prompt policy and a
 * cancellation signal.
 */
export interface CommandContext {
  readonly globals: GlobalOptions;
  readonly output: Output;
  readonly host: CliHost;
  readonly prompts: PromptPolicy;
  readonly signal: AbortSignal;
}

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

export function globalsOf(command: Command): GlobalOptions {
  const o = command.optsWithGlobals() as Record<string, unknown>;
  return {
    cwd: path.resolve(typeof o.cwd === 'string' ? o.cwd : process.cwd()),
    target: o.target as Target | undefined,
    profile: o.profile as string | undefined,
    region: o.region as string | undefined,
    json: Boolean(o.json),
    yes: Boolean(o.yes),
    verbose: Boolean(o.verbose),
    color: o.color !== false,
  };
}

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

export function contextFor(command: Command): CommandContext {
  const globals = globalsOf(command);
  const pio = currentIo();
  const person = isInteractive(pio.env, pio);
  const output = createOutput({
    json: globals.json,
    verbose: globals.verbose,
    color: colorLevel(globals.color, pio.env, pio),
    interactive: person,
    redraw: stderrCanRedraw(pio),
    stdout: pio.stdout,
    stderr: pio.stderr,
  });
  const prompts: PromptPolicy = {
    interactive: person && !globals.yes && !globals.json,
    log: (line) => output.info(output.style.dim(line)),
  };
  current = {
    globals,
    output,
    host: createCliHost({ output, prompts, yes: globals.yes }),
    prompts,
    signal: controller.signal,
  };
  return current;
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
