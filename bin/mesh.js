#!/usr/bin/env node
// The published entry point: a tiny shim over the compiled CLI. Heavy modules load inside each command.
// It runs the bundle (dist/bundle/main.js, made by scripts/build-cli.mjs: fewer, smaller files to load at start-up)
// unless that is older than the compiled modules (a build that ran tsc alone), then dist/cli/main.js itself.
import { statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+: V8's compiled code is cached on disk (in the OS temp folder), so later starts skip the compile.
module.enableCompileCache?.();

function bundleIsCurrent() {
  try {
    const bundle = statSync(new URL('../dist/bundle/main.js', import.meta.url)).mtimeMs;
    return bundle >= statSync(new URL('../dist/cli/main.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

const { main } = bundleIsCurrent() ? await import('../dist/bundle/main.js') : await import('../dist/cli/main.js');
await main(process.argv);
