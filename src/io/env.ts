/** What kind of terminal we are in. The only place that reads TTY and CI state. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** True when a person can answer prompts: stdin and stdout are TTYs and we are not in CI. */
export function isInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCI(env);
}

export function colorWanted(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  // Results go to stdout and diagnostics to stderr: colour only when both are terminals, so that
  // `mesh plan > plan.txt` never writes escape codes into the file.
  return Boolean(process.stderr.isTTY && process.stdout.isTTY);
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
export function stderrCanRedraw(): boolean {
  return Boolean(process.stderr.isTTY && (process.stderr.columns ?? 0) > 0);
}
