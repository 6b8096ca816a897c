#!/usr/bin/env node
// The published entry point: a tiny CommonJS shim over the compiled CLI (CommonJS starts faster than an ES module,
// which `mesh --help` notices). `mesh --help` and `-h` print from the build's help template (bin/help.cjs), and
// `--version` and `-V` from package.json, without loading the CLI. Everything else runs the bundle (dist/bundle/main.js, made by
// scripts/build-cli.mjs: fewer, smaller files to load at start-up) unless that is older than the compiled modules (a
// build that ran tsc alone), then dist/cli/main.js itself. Heavy modules load inside each command.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');

/** True when `file` was written by the build that compiled the current modules (as new as dist/cli/main.js or newer). */
function fromCurrentBuild(file) {
  try {
    return statSync(file).mtimeMs >= statSync(path.join(dist, 'cli', 'main.js')).mtimeMs;
  } catch {
    return false;
  }
}

/** Prints the help (from the build's template, when it is current and readable) or the version; else false. */
function printedWithoutTheCli(args) {
  const [arg] = args;
  if (args.length !== 1 || !['--help', '-h', '--version', '-V'].includes(arg)) return false;
  let text;
  if (arg === '--version' || arg === '-V') {
    try {
      text = `${require('../package.json').version}\n`;
    } catch {
      return false;
    }
  } else {
    const file = path.join(dist, 'bundle', 'help.json');
    if (!fromCurrentBuild(file)) return false;
    try {
      text = require('./help.cjs').helpForStdout(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      return false; // a damaged template: the CLI prints the help
    }
  }
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.stdout.write(text);
  return true;
}

if (!printedWithoutTheCli(process.argv.slice(2))) {
  // Node 22.1+: V8's compiled code is kept in the user's cache folder (bin/compile-cache.cjs), so later starts skip
  // the compile. Node 20 has no compile cache: nothing more is loaded there.
  const module = require('node:module');
  if (module.enableCompileCache) {
    const dir = require('./compile-cache.cjs').compileCacheDir({
      env: process.env,
      platform: process.platform,
      homedir: require('node:os').homedir,
    });
    if (dir) module.enableCompileCache(dir);
  }
  const bundle = path.join(dist, 'bundle', 'main.js');
  const entry = fromCurrentBuild(bundle) ? bundle : path.join(dist, 'cli', 'main.js');
  import(require('node:url').pathToFileURL(entry).href).then(({ main }) => main(process.argv));
}
