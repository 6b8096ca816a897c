// The one way tests run `mesh` in this process: main() with its own streams, environment and terminals (nothing on
// `process.stdout` is patched), and the hosts tests hand to the engine and the planes.

import { Writable } from 'node:stream';
import { createCliHost } from '../../src/cli/io-host.js';
import { main } from '../../src/cli/main.js';
import * as renderers from '../../src/cli/render/messages/index.js';
import type { IoHost, IoMessage, IoRequest, RequestAnswer, RequestCode } from '../../src/core/messages.js';
import { createOutput, type Output } from '../../src/io/output.js';
import type { PromptPolicy } from '../../src/io/prompts.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** What colour, CI and TTY decisions read (default: this process's environment). */
  readonly env?: NodeJS.ProcessEnv;
  /** stdin, stdout and stderr are terminals (default: none is). */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A stream that keeps what is written to it. */
export function captureStream(): { readonly stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** `mesh <args>` in this process, as a user would call it: exit code, stdout and stderr. */
export async function runMesh(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const stdout = captureStream();
  const stderr = captureStream();
  try {
    const code = await main(['node', 'mesh', ...args], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: options.env ?? process.env,
      isTTY: options.isTTY ?? false,
      ...(options.columns === undefined ? {} : { columns: options.columns }),
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    process.exitCode = 0;
  }
}

/** An Output whose stdout and stderr are kept (`lines()`: stderr's lines). */
export function capturedOutput(
  options: { json?: boolean; verbose?: boolean } = {},
): Output & { stdout(): string; stderr(): string; lines(): string[] } {
  const out = captureStream();
  const err = captureStream();
  const output = createOutput({ ...options, stdout: out.stream, stderr: err.stream });
  return Object.assign(output, {
    stdout: () => out.text(),
    stderr: () => err.text(),
    lines: () =>
      err
        .text()
        .split('\n')
        .filter((l) => l.length > 0),
  });
}

/** The CLI's host over an Output (no prompts; `--yes` when `yes`): what a user would see of the messages. */
export function cliHostFor(output: Output, yes = false): IoHost {
  return createCliHost({ output, prompts: { interactive: false }, yes, renderers });
}

/** The CLI's host asking with this prompt policy (e.g. `{ interactive: false, log }`): `mesh init`'s questions as a user meets them. */
export function promptHost(prompts: PromptPolicy): IoHost {
  return createCliHost({ output: capturedOutput(), prompts, yes: false, renderers });
}

/** A host that records every message and answers each request from `answers` (else with its default). */
export function recordingHost(answers: Partial<{ [C in RequestCode]: RequestAnswer<C> }> = {}): IoHost & {
  readonly messages: IoMessage[];
  readonly requests: IoRequest[];
  codes(): string[];
} {
  const messages: IoMessage[] = [];
  const requests: IoRequest[] = [];
  return {
    messages,
    requests,
    codes: () => messages.map((m) => m.code),
    notify: (message) => {
      messages.push(message);
    },
    request: async <C extends RequestCode>(request: IoRequest<C>): Promise<RequestAnswer<C>> => {
      requests.push(request as IoRequest);
      return (answers[request.code] as RequestAnswer<C> | undefined) ?? request.defaultAnswer;
    },
  };
}

/** The error a run that must fail rejected with; throws when it succeeded (naming `what`). */
export async function failureOf(run: Promise<unknown>, what: string): Promise<{ code?: string; message: string }> {
  const error = await run.then(
    () => undefined,
    (e: { code?: string; message: string }) => e,
  );
  if (!error) throw new Error(`${what} succeeded; it should have failed`);
  return error;
}
