/**
 * One child process running one local function (function-host.ts). Started on first invoke; an init error, a
 * crash or a timeout fails that invocation (as Lambda does) and the next invoke starts a fresh process.
 * The child's stdout and stderr are forwarded line by line, prefixed with the function's label.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type IoHost, emit as notify } from '../../core/messages.js';
import type { HandlerError, HostMessage, InvokeMessage } from './function-host.js';

export type InvokeResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: HandlerError };

export interface FunctionProcessOptions {
  /** The bundled host + handler. */
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
  /** e.g. `recommendations/interactions-handler`. */
  readonly label: string;
  /** Where the function's output lines go (`streams.function.output`). */
  readonly host: IoHost;
  readonly functionArn: string;
}

export class FunctionProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<InvokeResult | undefined> | undefined;
  private nextId = 1;
  private pending = new Map<number, (result: InvokeResult) => void>();
  private stderrTail: string[] = [];
  /** An init failure met by warm(), handed to the next invoke (which would otherwise load the handler again). */
  private warmFailure: InvokeResult | undefined;

  constructor(private readonly options: FunctionProcessOptions) {}

  /**
   * Starts the process ahead of the first invoke (a warm start), so the first batch does not wait for the fork and
   * the handler's loading. Never throws; a handler that fails to load fails the next invoke, as a cold start would.
   */
  async warm(): Promise<void> {
    const initFailure = await this.start();
    if (initFailure) this.warmFailure = initFailure;
  }

  /** Runs the handler once. Never throws: failures come back as `{ ok: false, error }`. */
  async invoke(event: unknown, timeoutMs: number): Promise<InvokeResult> {
    const warmFailure = this.warmFailure;
    this.warmFailure = undefined;
    if (warmFailure) return warmFailure;
    const initFailure = await this.start();
    if (initFailure) return initFailure;
    const child = this.child;
    if (!child?.connected)
      return { ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: 'the function process is not running' } };
    const id = this.nextId++;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({
          ok: false,
          error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` },
        });
        this.kill();
      }, timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      const message: InvokeMessage = {
        type: 'invoke',
        id,
        event,
        timeoutMs,
        requestId: randomUUID(),
        functionArn: this.options.functionArn,
      };
      child.send(message, (error) => {
        if (!error) return;
        this.pending.get(id)?.({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: error.message } });
        this.pending.delete(id);
      });
    });
  }

  /** Starts the process unless running; resolves with an init failure, or undefined once the host is ready. */
  private start(): Promise<InvokeResult | undefined> {
    if (this.ready) return this.ready;
    this.stderrTail = [];
    const child = fork(this.options.file, [], {
      env: this.options.env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.forward(child.stdout, false);
    this.forward(child.stderr, true);
    this.ready = new Promise<InvokeResult | undefined>((resolve) => {
      let started = false;
      child.on('message', (raw: HostMessage) => {
        if (raw.type === 'ready') {
          started = true;
          resolve(undefined);
          return;
        }
        const settle = this.pending.get(raw.id);
        this.pending.delete(raw.id);
        settle?.(raw.ok ? { ok: true, value: raw.value } : { ok: false, error: raw.error });
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
        const detail = this.stderrTail.slice(-5).join('\n');
        const error: HandlerError = started
          ? {
              errorType: 'Runtime.ExitError',
              errorMessage: `the function process exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ''}`,
            }
          : {
              errorType: 'Runtime.InitError',
              errorMessage: `the handler failed to load${detail ? `: ${detail}` : ` (exit ${signal ?? code})`}`,
            };
        for (const settle of this.pending.values()) settle({ ok: false, error });
        this.pending.clear();
        if (!started) resolve({ ok: false, error });
      });
      child.on('error', () => {
        // 'exit' follows and reports it
      });
    });
    return this.ready;
  }

  private forward(stream: NodeJS.ReadableStream | null, isStderr: boolean): void {
    if (!stream) return;
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        this.emit(buffer.slice(0, newline), isStderr);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    stream.on('end', () => {
      if (buffer.length > 0) this.emit(buffer, isStderr);
      buffer = '';
    });
  }

  private emit(line: string, isStderr: boolean): void {
    if (isStderr) {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    }
    notify(this.options.host, 'info', 'streams.function.output', {
      function: this.options.label,
      line,
      stream: isStderr ? 'stderr' : 'stdout',
    });
  }

  private kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(graceMs = 2_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
