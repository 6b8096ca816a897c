#!/usr/bin/env node
// The published entry point: a tiny shim over the compiled CLI. Heavy modules load inside each command.
// It runs the bundle (dist/bundle/main.js, made by scripts/build-cli.mjs: fewer, smaller files to load at start-up)
// unless that is older than the compiled modules (a build that ran tsc alone), then dist/cli/main.js itself.
import { statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+: V8's compiled code is kept in the user's cache folder (bin/compile-cache.js), so later starts skip the
// compile. Node 20 has no compile cache: nothing more is loaded there.
if (module.enableCompileCache) {
  const [{ compileCacheDir }, os] = await Promise.all([import('./compile-cache.js'), import('node:os')]);
  const dir = compileCacheDir({ env: process.env, platform: process.platform, homedir: os.homedir });
  if (dir) module.enableCompileCache(dir);
}

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
