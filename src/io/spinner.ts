import type { Output } from './output.js';

/**
 * The only module that imports ora, and the renderer of progress: the CLI's host shows `progress.*` messages with it.
 * On a non-TTY (or --json) it prints plain lines to stderr on state changes only.
 */
export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

/** Can this Output show a spinner (a terminal that redraws, a person watching, no --json)? */
export function canSpin(output: Output): boolean {
  return output.interactive && output.spinnerStream !== undefined;
}

/** A spinner's plain stand-in: a stderr line when the text changes (a debug line with --json). Synchronous. */
export function plainSpinner(output: Output, text: string): Spinner {
  let last = '';
  const say = (t: string) => {
    if (t !== last && !output.json) output.info(t);
    else if (t !== last) output.debug(t);
    last = t;
  };
  say(text);
  return {
    update: say,
    succeed: (t) => say(t ?? last),
    fail: (t) => say(t ?? last),
    stop: () => {},
  };
}

export async function startSpinner(output: Output, text: string): Promise<Spinner> {
  const stream = output.spinnerStream;
  if (!canSpin(output) || !stream) return plainSpinner(output, text);
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream, color: 'cyan' }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => spinner.succeed(t),
    fail: (t) => spinner.fail(t),
    stop: () => spinner.stop(),
  };
}

/** A step that may be long: nothing shows unless it runs past a second; then a spinner (TTY) or a plain line. */
export interface Step {
  /** Ends the step; when it showed, says so with the time it took. Synchronous: output that follows comes after. */
  done(text?: string): void;
  /** Ends the step without a success mark (an error follows from the caller). */
  fail(): void;
}

/** How long a step runs before it shows (MESH_PROGRESS_AFTER_MS overrides the one second, e.g. 0 in tests). */
function showAfterMs(): number {
  const raw = process.env.MESH_PROGRESS_AFTER_MS;
  const env = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(env) && env >= 0 ? env : 1_000;
}

export function startStep(output: Output, text: string): Step {
  const started = Date.now();
  let spinner: Spinner | undefined;
  let plain = false;
  let ended = false;
  const show = () => {
    if (!canSpin(output)) {
      // plain lines, written at once (CI logs, pipes); nothing on stderr with --json unless --verbose
      plain = true;
      if (output.json) output.debug(`${text}…`);
      else output.info(`${text}…`);
      return;
    }
    void startSpinner(output, `${text}…`).then((s) => {
      // ended while ora was loading: nothing more to show
      if (ended) s.stop();
      else spinner = s;
    });
  };
  const after = showAfterMs();
  const timer = after === 0 ? undefined : setTimeout(show, after);
  timer?.unref?.();
  if (after === 0) show();
  const end = (how: 'done' | 'fail', doneText?: string) => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line = how === 'done' ? `${doneText ?? text} (${seconds} s)` : `${text}: stopped after ${seconds} s`;
    if (plain) {
      if (output.json) output.debug(line);
      else output.info(line);
    } else if (spinner) {
      if (how === 'done') spinner.succeed(line);
      else spinner.fail(line);
    }
  };
  return { done: (t) => end('done', t), fail: () => end('fail') };
}
