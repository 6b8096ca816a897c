#!/usr/bin/env node
// Bundles the portal front end (src/portal/web) into dist/portal/static: index.html, app.js (one classic script, so
// the static export opens from file://), app.css (ours + uPlot's). Cytoscape.js and uPlot are bundled; nothing is
// fetched from a CDN at run time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'src', 'portal', 'web');
const out = path.join(root, 'dist', 'portal', 'static');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(web, 'app.mts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
const css = [
  readFileSync(path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8'),
  readFileSync(path.join(web, 'portal.css'), 'utf8'),
];
writeFileSync(path.join(out, 'app.css'), css.join('\n'));
writeFileSync(path.join(out, 'index.html'), readFileSync(path.join(web, 'index.html'), 'utf8'));
