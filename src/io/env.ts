/** What kind of terminal we are in. The only place that reads TTY and CI state. */

/**
 * The process's streams, environment and terminals, as main() sees them. Injected by tests (one harness:
 * test/support/cli-harness.ts); `processIo()` is the real process.
 */
export interface ProcessIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Which of stdin, stdout and stderr are terminals. */
  readonly isTTY: { readonly stdin: boolean; readonly stdout: boolean; readonly stderr: boolean };
  /** The terminal's width in columns, when stderr is one that knows it. */
  readonly columns?: number;
}

export function processIo(): ProcessIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: {
      // A getter: `process.stdin` opens the stdin stream on first use (a few ms of start-up `mesh --help` never needs).
      get stdin() {
        return Boolean(process.stdin.isTTY);
      },
      stdout: Boolean(process.stdout.isTTY),
      stderr: Boolean(process.stderr.isTTY),
    },
    columns: process.stderr.isTTY ? process.stderr.columns : undefined,
  };
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** True when a person can answer prompts: stdin and stdout are TTYs and we are not in CI. */
export function isInteractive(env: NodeJS.ProcessEnv = process.env, io: Pick<ProcessIo, 'isTTY'> = processIo()): boolean {
  return io.isTTY.stdin && io.isTTY.stdout && !isCI(env);
}

/** chalk's colour levels: none, 16 colours, 256 colours, true colour. */
export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * How many colours to use. `--no-color` and NO_COLOR (https://no-color.org) turn colour off; FORCE_COLOR sets the
 * level (0 off, 1 16 colours, 2 256, 3 true colour; empty or `true`: 16), as chalk reads it; otherwise colour only
 * when stdout and stderr are both terminals (so `mesh plan > plan.txt` never writes escape codes into the file), at
 * the level the terminal announces (TERM, COLORTERM), and none on a terminal that has none (TERM=dumb).
 */
export function colorLevel(
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
  io: Pick<ProcessIo, 'isTTY'> = processIo(),
): ColorLevel {
  if (flag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined) {
    if (forced === '' || forced === 'true') return 1;
    if (forced === 'false') return 0;
    const n = Number(forced);
    if (Number.isInteger(n) && n >= 0) return Math.min(n, 3) as ColorLevel;
    return 1;
  }
  if (!(io.isTTY.stderr && io.isTTY.stdout)) return 0;
  return terminalColorLevel(env);
}

/** What the terminal says it can show (a subset of chalk's supports-color rules, from the environment alone). */
function terminalColorLevel(env: NodeJS.ProcessEnv): ColorLevel {
  const term = env.TERM ?? '';
  if (term === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' || term === 'xterm-kitty' || env.WT_SESSION) return 3;
  if (/-256(color)?$/i.test(term) || env.TERM_PROGRAM === 'iTerm.app' || env.TERM_PROGRAM === 'Apple_Terminal') return 2;
  if (process.platform === 'win32') return 1;
  if (isCI(env) || term !== '' || env.COLORTERM) return 1;
  return 0;
}

/** Columns to lay text out in: the terminal's width, or 80 when output is not a terminal (CI logs, files). */
export function terminalWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : process.stderr.isTTY ? process.stderr.columns : undefined;
  return columns && columns >= 40 ? columns : 80;
}

/**
 * A spinner can redraw stderr: it is a terminal that knows its width. A pseudo-terminal without a size (0 columns,
 * e.g. `script` or `docker exec -t` in automation) would make ora clear lines without end, so it gets plain lines.
 */
export function stderrCanRedraw(io: Pick<ProcessIo, 'isTTY' | 'columns'> = processIo()): boolean {
  return io.isTTY.stderr && (io.columns ?? 0) > 0;
}
