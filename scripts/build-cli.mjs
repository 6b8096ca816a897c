#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js and everything it imports, statically or lazily) into dist/bundle/:
// main.js (what `mesh --help` parses: the CLI layer only), commander.js (commander, bundled: one ESM file instead of
// its CommonJS files), and one chunk per lazily imported part (planes, engine, transports), which load only in the
// command that needs them. The other packages (AWS SDK, kafkajs, DuckDB, SQLite, …) stay external, resolved from
// node_modules as before. bin/mesh.js runs the bundle when it is at least as new as dist/cli/main.js.
//
// Every output file sits directly in dist/bundle/, at the same depth as dist/<area>/*.js, so the paths modules
// resolve from import.meta.url (../../package.json, ../../templates) hold unchanged.
// Identifiers are not minified: class and function names (error names, stack traces) stay as written.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
const entry = path.join(root, 'dist', 'cli', 'main.js');

/**
 * Pure-JavaScript packages bundled into the chunks that use them (zod alone is some 90 ESM files, yaml a dozen
 * CommonJS ones: one file each is cheaper to load). The lazy-loading test names the heavy ones (AWS SDK, kafkajs,
 * DuckDB, SQLite, prompts, ora, avsc, chalk) by their node_modules paths: those stay external, so it still sees them.
 */
const BUNDLED = /^(zod|yaml)(\/|$)/;

/** Other packages stay external; commander resolves to the commander.js entry of this build. */
const externals = {
  name: 'mesh-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || BUNDLED.test(args.path)) return undefined;
      if (args.path === 'commander') return { path: './commander.js', external: true };
      return { path: args.path, external: true };
    });
  },
};

/**
 * zod's classic API re-exports every locale's messages (`z.locales`, half of zod's bytes). mesh never switches
 * locale (zod keeps English, set by its own config), so the bundle's `z.locales` holds English only.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: path.join(path.dirname(args.importer), '..', 'locales'), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: args.path,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  // commander and yaml are CommonJS and require node:events, process, …: give each ESM file a require of its own.
  banner: { js: "import{createRequire as __meshRequire}from'node:module';const require=__meshRequire(import.meta.url);" },
};
await build({
  ...common,
  entryPoints: { commander: 'commander' },
  outdir,
  absWorkingDir: root,
  legalComments: 'eof',
});
const result = await build({
  ...common,
  entryPoints: { main: entry },
  outdir,
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [zodEnglishOnly, externals],
  metafile: !!process.env.MESH_BUNDLE_META,
});
// MESH_BUNDLE_META=<file>: esbuild's metafile (which input went into which output), to see what a command loads.
if (process.env.MESH_BUNDLE_META) writeFileSync(process.env.MESH_BUNDLE_META, JSON.stringify(result.metafile));
