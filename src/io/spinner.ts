import type { Output } from './output.js';

/** The only module that imports ora. On a non-TTY (or --json) it prints plain lines to stderr on state changes only. */
export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export async function startSpinner(output: Output, text: string): Promise<Spinner> {
  if (!output.interactive) {
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
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr, color: 'cyan' }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => spinner.succeed(t),
    fail: (t) => spinner.fail(t),
    stop: () => spinner.stop(),
  };
}
