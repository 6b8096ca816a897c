import path from 'node:path';
import type { Command } from 'commander';
import { colorLevel, isInteractive, stderrCanRedraw } from '../io/env.js';
import { createOutput, type Output } from '../io/output.js';
import type { PromptPolicy } from '../io/prompts.js';
import type { Target } from '../workspace/model.js';
import { type CliHost, createCliHost } from './io-host.js';
import { currentIo, setCurrentContext, stopSignal } from './run-state.js';

// The run's shared state lives in run-state.ts (main loads it without this module); commands import it from here.
export { currentContext, requestExitCode } from './run-state.js';

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
  const context: CommandContext = {
    globals,
    output,
    host: createCliHost({ output, prompts, yes: globals.yes }),
    prompts,
    signal: stopSignal,
  };
  setCurrentContext(context);
  return context;
}
