import type { MeshError } from '../core/errors.js';

/**
 * All output goes through an Output. Only `result` writes to stdout; everything else goes to stderr.
 * With --json, `result` documents are collected and printed once, as one JSON value, by src/cli/main.ts.
 */
export type Style = (text: string) => string;

export interface Styles {
  readonly bold: Style;
  readonly dim: Style;
  readonly red: Style;
  readonly green: Style;
  readonly yellow: Style;
  readonly cyan: Style;
  readonly magenta: Style;
}

export interface Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly color: boolean;
  /** A person is watching a TTY: spinners and live redraws are allowed. */
  readonly interactive: boolean;
  readonly style: Styles;
  info(message: string): void;
  success(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** The command's result: `data` is the --json document; `human` is what a person sees on stdout. */
  result(data: unknown, human?: string | (() => string)): void;
  /** A raw stdout line (streaming results such as `events tail`); in --json mode the caller writes NDJSON. */
  line(text: string): void;
  /**
   * Marks the command's stdout as a stream of lines (NDJSON with --json, e.g. `events tail`): main then prints no
   * closing JSON document. Optional so hand-made Outputs in tests need not implement it.
   */
  streamLines?(): void;
  /** The collected JSON document, if any (read by main); `streamed` when the command wrote NDJSON lines instead. */
  takeJsonResult(): { has: boolean; value: unknown; streamed?: boolean };
  error(error: MeshError, internal?: boolean): void;
}

export interface OutputOptions {
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly color?: boolean;
  readonly interactive?: boolean;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

const identity: Style = (t) => t;
const ansi =
  (open: number, close: number): Style =>
  (t) =>
    `\u001b[${open}m${t}\u001b[${close}m`;

export function makeStyles(color: boolean): Styles {
  if (!color) {
    return { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity, magenta: identity };
  }
  // Plain ANSI codes: chalk would cost start-up time for the same escapes.
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    red: ansi(31, 39),
    green: ansi(32, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
    magenta: ansi(35, 39),
  };
}

export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const json = options.json ?? false;
  const verbose = options.verbose ?? false;
  const color = (options.color ?? false) && !json;
  const interactive = (options.interactive ?? false) && !json;
  const style = makeStyles(color);
  let jsonValue: unknown;
  let hasJson = false;
  let streamed = false;
  const err = (text: string) => stderr.write(`${text}\n`);

  return {
    json,
    verbose,
    color,
    interactive,
    style,
    info: (m) => err(m),
    success: (m) => err(color ? style.green(`✔ ${m}`) : m),
    warn: (m) => err(style.yellow(`warning: ${m}`)),
    debug: (m) => {
      if (verbose) err(style.dim(m));
    },
    result(data, human) {
      if (json) {
        jsonValue = data;
        hasJson = true;
        return;
      }
      const text = typeof human === 'function' ? human() : human;
      if (text !== undefined) {
        if (text.length > 0) stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      } else if (data !== undefined) {
        stdout.write(`${typeof data === 'string' ? data : JSON.stringify(data, null, 2)}\n`);
      }
    },
    line: (text) => stdout.write(`${text}\n`),
    streamLines: () => {
      streamed = true;
    },
    takeJsonResult: () => ({ has: hasJson, value: jsonValue, streamed }),
    error(error, internal = false) {
      const where = error.location
        ? `${error.location.file}${error.location.line ? `:${error.location.line}` : ''}${error.location.column ? `:${error.location.column}` : ''}: `
        : '';
      err(`${style.red('error')} ${style.dim(`[${error.code}]`)} ${where}${error.message}`);
      if (error.hint) err(`  ${style.cyan('hint:')} ${error.hint}`);
      if (internal) err('  This is a bug in mesh. Please report it with the output of --verbose.');
      if (verbose && error.stack) err(style.dim(error.stack));
    },
  };
}

/** Pads a table of strings for human output (no colour codes inside cells). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)].join('\n');
}

/**
 * Progress lines that may come in storms (retries, waits): at most one stderr line per key every `windowMs`. A line
 * after a quiet spell says how many were held back, e.g. `… (+4 more since the last line)`.
 */
export function debouncedLines(output: Output, windowMs = 3_000, now: () => number = Date.now): (key: string, message: string) => void {
  const last = new Map<string, { at: number; held: number }>();
  return (key, message) => {
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < windowMs) {
      seen.held++;
      return;
    }
    const held = seen?.held ?? 0;
    last.set(key, { at: t, held: 0 });
    output.info(output.style.yellow(held > 0 ? `${message} (+${held} more since the last line)` : message));
  };
}
