/**
 * Styles for human text, by chalk at the colour level the terminal and the environment allow (see colorLevel in
 * env.ts). chalk is loaded on demand: `loadStyles()` before the first coloured Output (main does it before a
 * command's action), so that `mesh --help` does not pay for it. The only module that imports chalk.
 */
import type { ColorLevel } from './env.js';

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

type ChalkModule = typeof import('chalk');
let chalk: ChalkModule | undefined;

/** Loads chalk once (a no-op afterwards). */
export async function loadStyles(): Promise<void> {
  chalk ??= await import('chalk');
}

const identity: Style = (t) => t;
const plain: Styles = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
  magenta: identity,
};

/** Styles at a colour level: level 0 (or chalk not loaded yet) is plain text. */
export function makeStyles(level: ColorLevel | boolean): Styles {
  const n = level === true ? 1 : level === false ? 0 : level;
  if (n === 0 || !chalk) return plain;
  const c = new chalk.Chalk({ level: n });
  return {
    bold: (t) => c.bold(t),
    dim: (t) => c.dim(t),
    red: (t) => c.red(t),
    green: (t) => c.green(t),
    yellow: (t) => c.yellow(t),
    cyan: (t) => c.cyan(t),
    magenta: (t) => c.magenta(t),
  };
}
