#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js and everything it imports, statically or lazily) into dist/bundle/:
// main.js (what `mesh --help` parses: the CLI layer only; each command module is a chunk of its own, loaded for the
// command a run names), commands.json (the lines `mesh --help` shows for the commands not loaded), commander.js
// (commander, bundled: one ESM file instead of its CommonJS files), and one chunk per lazily imported part (planes,
// engine, transports), which load only in the command that needs them. The other packages (AWS SDK, kafkajs, DuckDB, SQLite, …) stay external, resolved from
// node_modules as before. bin/mesh.cjs runs the bundle when it is at least as new as dist/cli/main.js.
//
// Every output file sits directly in dist/bundle/, at the same depth as dist/<area>/*.js, so the paths modules
// resolve from import.meta.url (../../package.json, ../../templates) hold unchanged.
// Identifiers are not minified: class and function names (error names, stack traces) stay as written.
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * Other packages stay external; commander resolves to the commander.js entry of this build. The workspace's event
 * schema check (dist/workspace/avro-types.js: Type.forSchema and the type classes) loads avsc's types-only entry,
 * `avsc/etc/browser/avsc-types.js` (lib/types.js and lib/utils.js: half of avsc, without its RPC services, file
 * containers, zlib and streams). It shares lib/types.js with the full entry the stream codecs load, so the classes
 * are the same objects in one process.
 */
const externals = {
  name: 'mesh-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || BUNDLED.test(args.path)) return undefined;
      if (args.path === 'commander') return { path: './commander.js', external: true };
      if (args.path === 'avsc' && /[\\/]workspace[\\/]avro-types\.js$/.test(args.importer)) {
        return { path: 'avsc/etc/browser/avsc-types.js', external: true };
      }
      return { path: args.path, external: true };
    });
  },
};

/**
 * commander requires node:child_process at load for its stand-alone executable subcommands, which mesh never uses;
 * loading that module is about a third of commander's start-up cost. The bundled commander requires it on first use.
 */
const commanderLazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`commander changed: no "${eager}" in ${args.path}`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

/**
 * yaml's parser and composer read `process.env.LOG_TOKENS` / `LOG_STREAM` (its debug output) once per token: half a
 * million environment lookups for the 1,000-table workspace, about a tenth of `mesh validate`'s time there. The
 * bundle reads each once, when the module loads (the variables work as before when set before mesh starts).
 */
const yamlDebugFlagsOnce = {
  name: 'yaml-debug-flags-once',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const flag = args.path.includes('parser') ? 'LOG_TOKENS' : 'LOG_STREAM';
      const perToken = `node_process.env.${flag}`;
      if (!source.includes(perToken)) throw new Error(`yaml changed: no "${perToken}" in ${args.path}`);
      const once = `MESH_YAML_${flag}`;
      const strict = "'use strict';\n";
      if (!source.startsWith(strict)) throw new Error(`yaml changed: ${args.path} does not start with ${strict}`);
      const read = `var ${once} = require('node:process').env.${flag};\n`;
      return { contents: strict + read + source.slice(strict.length).replaceAll(perToken, once), loader: 'js' };
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
  plugins: [commanderLazyChildProcess],
  legalComments: 'eof',
});
const result = await build({
  ...common,
  entryPoints: { main: entry },
  outdir,
  splitting: true,
  chunkNames: '[name]-[hash]',
  plugins: [zodEnglishOnly, yamlDebugFlagsOnce, externals],
  metafile: !!process.env.MESH_BUNDLE_META,
});
// commands.json: each top-level command's line in `mesh --help`, from the full program (dist/cli/help-only-commands.js):
// main defines in full only the command a run names, and shows the others from this list.
const { commandLines, COMMAND_LIST_FILE } = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'help-only-commands.js')).href);
const { buildProgram } = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'program.js')).href);
for (const command of (await buildProgram()).commands) {
  // a help-only command shows a command's term and description; a hidden command or a help group would not show the same
  if (command._hidden || command.helpGroup())
    throw new Error(`mesh ${command.name()}: hidden or grouped commands need help-only commands that show them`);
}
writeFileSync(path.join(outdir, COMMAND_LIST_FILE), `${JSON.stringify(await commandLines(), null, 1)}\n`);
// help.json: the top-level help with commander's wraps left as marks, for bin/mesh.cjs to print `mesh --help`
// without loading the CLI (src/cli/help-template.ts). Checked here against commander
// itself at several widths (a terminal's columns; 80 when not a terminal): the build fails when they differ.
const { helpTemplate, HELP_TEMPLATE_FILE } = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'help-template.js')).href);
const template = helpTemplate(await buildProgram());
const { renderHelp, commanderHelp } = createRequire(import.meta.url)(path.join(root, 'bin', 'help.cjs'));
for (const width of [undefined, 20, 40, 59, 60, 79, 81, 100, 120, 132, 200, 400]) {
  const program = await buildProgram();
  program.configureOutput({ getOutHelpWidth: () => width });
  const helper = commanderHelp();
  helper.prepareContext({ helpWidth: width });
  if (renderHelp(template, helper) !== program.helpInformation())
    throw new Error(`help.json: the help at ${width ?? 'the default'} columns differs from commander's`);
}
// The help at 80 columns, as printed when stdout is not a terminal (or is 80 wide), is kept whole: no wrapping at run time.
const helper80 = commanderHelp();
helper80.prepareContext({ helpWidth: 80 });
writeFileSync(path.join(outdir, HELP_TEMPLATE_FILE), `${JSON.stringify({ ...template, at80: renderHelp(template, helper80) })}\n`);
// MESH_BUNDLE_META=<file>: esbuild's metafile (which input went into which output), to see what a command loads.
if (process.env.MESH_BUNDLE_META) writeFileSync(process.env.MESH_BUNDLE_META, JSON.stringify(result.metafile));
