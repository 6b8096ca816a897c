/**
 * `mesh --help` without loading the CLI. The build (scripts/build-cli.mjs) formats the top-level help once with
 * commander's own Help, but records each place where commander wraps text to the terminal's width (an item's
 * description, the program's description) as a numbered mark instead of wrapping it. bin/help.cjs later puts
 * commander's own wrapping back in at the width of the run (bin/mesh.cjs: `--help`, `-h`), so the text is what
 * commander prints at every width, without commander's Command or any mesh module. The build checks this at
 * several widths and fails when the two differ.
 */
import type { Command } from 'commander';

/** One wrap commander makes: an item (term, its column's width, description), or a text wrapped at the full width. */
export type HelpWrap = { readonly item: readonly [term: string, termWidth: number, description: string] } | { readonly box: string };

/** The top-level help with its wraps as marks (`\uE000<index>\uE000`). */
export interface HelpTemplate {
  readonly text: string;
  readonly wraps: readonly HelpWrap[];
}

/**
 * The file the build writes beside the bundle's main.js.
 * @public (scripts/build-cli.mjs names it)
 */
export const HELP_TEMPLATE_FILE = 'help.json';

/**
 * Formats `program`'s help as commander would, recording its wraps instead of making them.
 * @public (scripts/build-cli.mjs calls it on dist/)
 */
export function helpTemplate(program: Command): HelpTemplate {
  const wraps: HelpWrap[] = [];
  const mark = (wrap: HelpWrap): string => `\uE000${wraps.push(wrap) - 1}\uE000`;
  const helper = program.createHelp();
  const fullWidth = Number.MAX_SAFE_INTEGER;
  helper.prepareContext({ helpWidth: fullWidth, outputHasColors: false });
  helper.formatItem = (term, termWidth, description) => mark({ item: [term, termWidth, description] });
  helper.boxWrap = (text, width) => {
    // formatHelp wraps only the program's description itself, at the help's full width
    if (width !== fullWidth) throw new Error(`commander wrapped text at ${width} columns: the help template cannot follow it`);
    return mark({ box: text });
  };
  return { text: helper.formatHelp(program, helper), wraps };
}
