import type { MeshError } from '../core/errors.js';
import type { ColorLevel } from './env.js';
import { makeStyles, type Styles } from './style.js';
import { jsonTerminalSafe, terminalSafe } from './terminal-safe.js';

export { makeStyles, type Style, type Styles } from './style.js';

/**
 * All output goes through an Output. Only `result` writes to stdout; everything else goes to stderr.
 * With --json, `result` documents are collected and printed once, as one JSON value, by src/cli/main.ts.
 * The CLI's IoHost (src/cli/io-host.ts) renders the engine's and the planes' messages onto it.
 */

export interface Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly color: boolean;
  /** A person is watching a TTY: spinners and live redraws are allowed. */
  readonly interactive: boolean;
  /** Where a spinner draws (stderr); absent in hand-made Outputs, which then get plain lines. */
  readonly spinnerStream?: NodeJS.WritableStream;
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
  /** true: 16 colours; a number: chalk's level (see colorLevel in env.ts). Colour needs `loadStyles()` first. */
  readonly color?: boolean | ColorLevel;
  /** A person is watching a terminal (no CI). */
  readonly interactive?: boolean;
  /** Spinners may redraw stderr (a terminal that knows its width; see stderrCanRedraw in env.ts). */
  readonly redraw?: boolean;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const json = options.json ?? false;
  const verbose = options.verbose ?? false;
  const level = json ? 0 : options.color === true ? 1 : options.color === false || options.color === undefined ? 0 : options.color;
  const style = makeStyles(level);
  const color = level > 0;
  const interactive = (options.interactive ?? false) && !json;
  let jsonValue: unknown;
  let hasJson = false;
  let streamed = false;
  // Every human line is made terminal-safe (control sequences from other teams' files shown, not obeyed).
  const safe = (text: string) => terminalSafe(text, color);
  const err = (text: string) => stderr.write(`${safe(text)}\n`);

  return {
    json,
    verbose,
    color,
    interactive,
    ...(interactive && options.redraw ? { spinnerStream: stderr } : {}),
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
        if (text.length > 0) stdout.write(safe(text.endsWith('\n') ? text : `${text}\n`));
      } else if (data !== undefined) {
        stdout.write(`${safe(typeof data === 'string' ? data : JSON.stringify(data, null, 2))}\n`);
      }
    },
    // --json: an NDJSON line, its terminal controls escaped inside its strings (the value is the same).
    line: (text) => stdout.write(`${json ? jsonTerminalSafe(text) : safe(text)}\n`),
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
