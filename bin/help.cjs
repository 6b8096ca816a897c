// `mesh --help` from the build's help template (dist/bundle/help.json, made by
// scripts/build-cli.mjs from src/cli/help-template.ts), without loading the CLI: the help is the text commander formats,
// with commander's own wrapping (its Help class, a small file of its own) put back in at this run's width, which is
// the terminal's columns on a terminal and 80 otherwise, as commander decides. bin/mesh.cjs uses it when the build
// that wrote the template is the current one.
'use strict';
const path = require('node:path');

/**
 * @param {{ text: string, wraps: ({ item: [string, number, string] } | { box: string })[] }} template
 * @param {{ helpWidth?: number, formatItem: Function, boxWrap: Function }} helper commander's Help, its context prepared
 * @returns {string}
 */
function renderHelp(template, helper) {
  return template.text.replace(/\uE000(\d+)\uE000/g, (_mark, index) => {
    const wrap = template.wraps[Number(index)];
    if ('item' in wrap) return helper.formatItem(wrap.item[0], wrap.item[1], wrap.item[2], helper);
    return helper.boxWrap(wrap.box, helper.helpWidth);
  });
}

/** commander's Help, from its own file (its package exports only the whole module, which costs the start-up saved). */
function commanderHelp() {
  const { Help } = require(path.join(path.dirname(require.resolve('commander')), 'lib', 'help.js'));
  return new Help();
}

/**
 * The help as commander prints it to this process's stdout: wrapped to a terminal's columns, else to 80 (which the
 * build keeps already wrapped).
 */
function helpForStdout(template) {
  const width = process.stdout.isTTY ? process.stdout.columns : 80;
  if (width === 80 && typeof template.at80 === 'string') return template.at80;
  const helper = commanderHelp();
  helper.prepareContext({ helpWidth: width });
  return renderHelp(template, helper);
}

module.exports = { renderHelp, commanderHelp, helpForStdout };
