#!/usr/bin/env node
// Portal benchmark: the scale workspace (bench/scale/generate.mjs: 50 domains, 1,000 table products, 5,000
// subscriptions), served by `mesh portal` (startPortal from ../dist).
// Reports the start-up (workspace load + first snapshot, before the URL is printed), the first load (page, bundle
// and catalog JSON over HTTP; and in Chromium, from navigation to the rendered catalog when /usr/bin/chromium is there) and the search time (the same
// SearchIndex the browser runs, and the /portal/api/search round trip). Targets: first load < 1 s, search < 50 ms.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateScaleWorkspace } from './scale/generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(ROOT, 'dist', p));
const PRODUCTS = 1000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function generate() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-portal-'));
  // The scale workspace of `npm run bench scale`: 50 domains, 1,000 table products, 5,000 subscriptions.
  generateScaleWorkspace(root, { tables: PRODUCTS, target: 'local' });
  return root;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

async function main() {
  const root = generate();
  const rows = [];
  try {
    const { loadWorkspace } = await dist('workspace/load.js');
    const { startPortal } = await dist('portal/serve.js');
    const { SearchIndex } = await dist('portal/search.js');
    const { createOutput } = await dist('io/output.js');
    const sink = { write: () => true };
    const t0 = performance.now();
    const workspace = await loadWorkspace(root);
    if (workspace.products.length !== PRODUCTS) throw new Error(`expected ${PRODUCTS} products, got ${workspace.products.length}`);
    const server = await startPortal({ workspace, target: 'local', output: createOutput({ stdout: sink, stderr: sink }), port: 0 });
    const base = server.url.replace(/\/portal$/, '');
    try {
      const t1 = performance.now();
      const [html, js, catalog] = await Promise.all(
        ['/portal', '/portal/app.js', '/portal/api/catalog'].map((p) => fetch(`${base}${p}`).then((r) => r.text())),
      );
      const first = performance.now() - t1;
      rows.push([
        'first load over HTTP (page + bundle + catalog JSON)',
        ms(first),
        `${((html.length + js.length + catalog.length) / 1024).toFixed(0)} KiB`,
      ]);
      rows.push(['`mesh portal` start-up (workspace load + first snapshot)', ms(t1 - t0), 'before the URL is printed']);
      const data = JSON.parse(catalog);
      const index = new SearchIndex(data.products);
      for (const q of ['orders', 'customers_id', 'c03_decimal', 'invoices payments', 'd01-catalog']) {
        const times = [];
        let total = 0;
        for (let i = 0; i < 30; i++) {
          const s = performance.now();
          total = index.search(q, {}, 200).total;
          times.push(performance.now() - s);
        }
        rows.push([`search "${q}" (in the page, median of 30)`, ms(median(times)), `${total} hits`]);
      }
      const api = [];
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        await fetch(`${base}/portal/api/search?q=orders`).then((r) => r.json());
        api.push(performance.now() - s);
      }
      rows.push(['search API round trip (median of 20)', ms(median(api)), '']);
      if (existsSync(CHROMIUM)) {
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
        try {
          const page = await browser.newPage();
          const s = performance.now();
          await page.goto(server.url);
          await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
          rows.push(['first load in Chromium (navigation to the rendered catalog)', ms(performance.now() - s), '']);
          await page.locator('#search').fill('orders');
          const inPage = Number(await page.locator('#result-count').getAttribute('data-ms'));
          rows.push(['search as you type in Chromium ("orders")', ms(inPage), String(await page.locator('#result-count').textContent())]);
        } finally {
          await browser.close();
        }
      } else rows.push(['first load in Chromium', 'n/a', `no Chromium at ${CHROMIUM}`]);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const lines = [
    `### Portal: ${PRODUCTS} products (targets: first load < 1 s, search < 50 ms)`,
    '',
    '| measure | time | notes |',
    '|---|---|---|',
  ];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
