/**
 * The portal in headless Chromium (Debian's chromium, playwright-core) over the example: search by column, a
 * product page with its subscribers and sample rows through the grants, the lineage graph and the impact of songs,
 * "request access" writing the consumer's file, the static export from file://, and axe-core.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type PortalServer, startPortal } from '../../src/portal/serve.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { mesh } from '../e2e/local-example-setup.js';
import { axeViolations, ensurePortalBuilt, launchChromium, setUpPortalExample } from './portal-setup.js';

let root: string;
let server: PortalServer;
let browser: Browser;
let page: Page;

const texts = (selector: string) => page.locator(selector).allTextContents();

/** A fresh load of the page (a hash change alone would keep the previous page's ready flag). */
async function open(hash: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${server.url.replace(/\/portal$/, '')}${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
}

/** The page's Cytoscape instance (Cytoscape keeps it on its container), as an expression evaluated in the page. */
const CY = "document.getElementById('lineage')._cyreg.cy";

/** The graph's node ids, optionally only those matching a Cytoscape selector. */
const cyNodes = (selector?: string) =>
  page.evaluate<string[]>(`${CY}.nodes(${selector ? JSON.stringify(selector) : ''}).map((n) => n.id()).sort()`);

/** Clicks a node where Cytoscape drew it on the canvas. */
async function clickNode(id: string): Promise<void> {
  const box = await page.locator('#lineage').boundingBox();
  const at = await page.evaluate<{ x: number; y: number }>(`${CY}.getElementById(${JSON.stringify(id)}).renderedPosition()`);
  await page.mouse.click((box?.x ?? 0) + at.x, (box?.y ?? 0) + at.y);
}

beforeAll(async () => {
  ensurePortalBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-portal-ui-'));
  await setUpPortalExample(root);
  server = await startPortal({ workspace: await loadWorkspace(root), target: 'local', port: 0, allowWrites: true });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the portal in a browser', () => {
  it('finds a product by a column name as you type, and filters', async () => {
    await open('/portal');
    expect(await page.title()).toBe('Catalog · mesh portal');
    expect(await page.locator('#results li').count()).toBe(4);
    await page.locator('#search').pressSequentially('artis');
    await expect
      .poll(() => page.locator('#results li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-product'))))
      .toEqual(['songs']);
    expect(await texts('#results li .matched code')).toEqual(['artist']);
    expect(await page.locator('#result-count').textContent()).toBe('1 product');
    await page.locator('#search').fill('');
    await page.selectOption('#filter-domain', 'users');
    expect(await texts('#results li h2')).toEqual(['users']);
    // Keyboard: tab from the search box reaches the filters.
    await page.locator('#search').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('filter-domain');
  });

  it('shows a product: contract, subscribers, and sample rows without the columns a domain may not read', async () => {
    await open('/portal#/product/users');
    expect(await page.locator('h1').textContent()).toMatch(/^users/);
    expect(await page.locator('#columns tbody tr').count()).toBeGreaterThan(3);
    const emailRow = await page.locator('#columns tbody tr', { hasText: 'email' }).allTextContents();
    expect(emailRow.join('')).toContain('PII');
    const subscribers = await page
      .locator('#subscribers tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(subscribers).toEqual([
      [
        'recommendations',
        'user_id, country, birth_year, subscription_tier, preferred_genre, signup_ts',
        'users-handler (group mesh.recommendations.users)',
        'granted',
      ],
    ]);

    await page.selectOption('#sample-domain', 'recommendations');
    await page.click('#sample-show');
    await page.waitForSelector('#sample-rows');
    const head = await texts('#sample-rows thead th');
    expect(head).toEqual(['user_id', 'country', 'birth_year', 'subscription_tier', 'preferred_genre', 'signup_ts']);
    expect(await page.locator('#sample-rows tbody tr').count()).toBe(10);
    expect(await page.locator('#sample-hidden').textContent()).toBe('Hidden from recommendations (no grant): email');

    await page.selectOption('#sample-domain', 'analytics');
    await page.click('#sample-show');
    await expect.poll(() => page.locator('#sample-error').textContent()).toMatch(/analytics may not read users/);

    await open('/portal#/product/songs');
    expect(await texts('#subscribers tbody tr td:first-child')).toEqual(['recommendations']);
  });

  it('draws the lineage: every domain and product, and the downstream of songs highlighted', async () => {
    await open('/portal#/lineage');
    await page.waitForSelector('#lineage[data-nodes]');
    const nodes = await cyNodes();
    for (const d of ['users', 'songs', 'podcasts', 'interactions', 'recommendations', 'analytics']) expect(nodes).toContain(`domain:${d}`);
    for (const p of ['users', 'songs', 'podcasts', 'interactions']) expect(nodes).toContain(`product:${p}`);
    expect(nodes).toContain('function:analytics/interactions-ingestor');
    expect(nodes).toContain('dataset:recommendations/items');

    // Click the songs node on the canvas.
    await clickNode('product:songs');
    await expect.poll(() => page.locator('#lineage-status').textContent()).toMatch(/^Downstream of songs/);
    const downstream = await cyNodes('.downstream');
    expect(downstream).toEqual(
      expect.arrayContaining([
        'product:songs',
        'topic:mesh.songs.song-changes.v1',
        'domain:recommendations',
        'transform:recommendations/items',
        'dataset:recommendations/items',
      ]),
    );
    expect(downstream.some((id) => id.startsWith('campaign:recommendations/'))).toBe(true);
    expect(downstream).not.toContain('product:users');
    expect(downstream).not.toContain('domain:analytics');
    expect(
      await page
        .locator('#lineage-list li[data-downstream="true"]')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')).sort()),
    ).toEqual(downstream);
    expect(page.url()).toContain('#/lineage?focus=product%3Asongs');

    // Clicking another node opens its page: the topic opens its product.
    await clickNode('topic:mesh.users.user-changes.v1');
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^users/);
  });

  it('"request access" writes the request into the consumer\'s domain file, and the producer sees it pending', async () => {
    await open('/portal#/product/users');
    await page.selectOption('#request-domain', 'analytics');
    await page.fill('#request-purpose', 'listeners by country');
    await page.check('input[name="columns"][value="user_id"]');
    await page.check('input[name="columns"][value="country"]');
    await page.click('#request-form button[type="submit"]');
    await expect
      .poll(() =>
        page
          .locator('#request-result')
          .textContent()
          .catch(() => ''),
      )
      .toMatch(/pending/);
    const file = parse(readFileSync(path.join(root, 'domains', 'analytics', 'domain.yaml'), 'utf8')) as {
      subscriptions: Record<string, unknown>[];
    };
    const sub = file.subscriptions.find((s) => s.product === 'users') as { table: { columns: string[] }; request: { purpose: string } };
    expect(sub.table.columns).toEqual(['user_id', 'country']);
    expect(sub.request.purpose).toBe('listeners by country');

    await open('/portal#/access?producer=users');
    const rows = await page
      .locator('#pending tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(0, 4).map((c) => c.textContent)));
    expect(rows).toEqual([['users', 'users', 'analytics', 'user_id, country']]);
  });

  it('has no serious or critical axe-core violation on its pages', async () => {
    for (const hash of ['', '#/product/users', '#/lineage', '#/access']) {
      await open(`/portal${hash}`);
      expect([hash, await axeViolations(page)]).toEqual([hash, []]);
    }
  });

  it('exports a static site that works from file://', async () => {
    const out = path.join(root, 'site');
    await mesh(root, 'portal', 'build', '--out', out);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${pathToFileURL(path.join(out, 'index.html')).href}`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#mode').textContent()).toBe('music · static export');
    await page.locator('#search').fill('artist');
    await expect.poll(() => texts('#results li h2')).toEqual(['songs']);
    await page.click('#results a');
    // The product page renders after the click: wait for its subscribers rather than reading at once.
    await expect.poll(() => texts('#subscribers tbody tr td:first-child')).toEqual(['recommendations']);
    expect(await page.locator('#sample-show').count()).toBe(0);
    await page.goto(`${pathToFileURL(path.join(out, 'index.html')).href}#/lineage`);
    await page.waitForSelector('#lineage[data-nodes]');
    expect(Number(await page.locator('#lineage').getAttribute('data-nodes'))).toBeGreaterThan(10);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
  });
});
