#!/usr/bin/env node
// The published entry point: a tiny CommonJS shim over the compiled CLI (CommonJS starts faster than an ES module,
// which `mesh --help` notices). `mesh --help`, `-h`, `--version` and `-V` print from the build's help template
// (bin/help.cjs) without loading the CLI. Everything else runs the bundle (dist/bundle/main.js, made by
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

/** Prints the help or the version when that is all argv asks and the build's template is current; else false. */
function printedFromTemplate(args) {
  const [arg] = args;
  if (args.length !== 1 || !['--help', '-h', '--version', '-V'].includes(arg)) return false;
  const file = path.join(dist, 'bundle', 'help.json');
  if (!fromCurrentBuild(file)) return false;
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const text = arg === '--version' || arg === '-V' ? `${template.version}\n` : require('./help.cjs').helpForStdout(template);
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.stdout.write(text);
  return true;
}

if (!printedFromTemplate(process.argv.slice(2))) {
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
