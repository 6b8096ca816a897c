/**
 * The analytics live page over the whole local path, in headless Chromium (test/support/chromium.ts, playwright-core):
 * listens produced on the interactions stream (`mesh events produce`) → the analytics domain's interactions-ingestor
 * (bundled, in its own process, run by a real `mesh dev` child process) → the local Firehose endpoint → the store →
 * the page. test/analytics/ covers the page and the endpoint fed directly; this covers the chain end to end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../cli/run-cli.js';
import { launchChromium } from '../support/chromium.js';
import { mesh, setUpExample } from './local-example-setup.js';
import { burst, type ExpectedAnalytics, expectedAnalytics, type Listen, writeJsonLines } from './local-listens.js';
import { isAlive, processesOf, waitFor } from './local-processes.js';

/** The ingestor waits up to 5 s (its batching window) to fill a batch; then the page polls every second. */
const PAGE_UPDATES_WITHIN_MS = 30_000;

let root: string;
let dev: ChildProcess | undefined;
let devLog = '';
let url: string;
let browser: Browser | undefined;
let page: Page;
const produced: Listen[] = [];

async function startMeshDev(): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--only', 'interactions-ingestor'], {
    cwd: root,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev = child;
  const collect = (chunk: Buffer) => {
    devLog += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return waitFor(
    'mesh dev to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`mesh dev exited with ${child.exitCode}:\n${devLog}`);
      const m = /mesh dev on (http:\/\/\S+)/.exec(devLog);
      return m && /Ctrl-C stops/.test(devLog) ? (m[1] as string) : undefined;
    },
    30_000,
  );
}

async function stopMeshDev(): Promise<number | null> {
  const child = dev;
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

async function produce(name: string, events: readonly Listen[]): Promise<void> {
  const seen = new Set(produced.map((e) => e.event_id));
  const repeated = events.filter((e) => seen.has(e.event_id)).length;
  const doc = await mesh(root, 'events', 'produce', 'interactions', '--file', writeJsonLines(root, name, events));
  // The log stores an event id once: a repeated event is skipped by the producer (and would count once anyway).
  expect([doc.sent, doc.duplicates]).toEqual([events.length - repeated, repeated]);
  produced.push(...events);
}

const text = (selector: string) => page.locator(selector).textContent();

/** What the page must show for these counts (it asks for the last 30 minutes and the top 10 items). */
async function expectPageShows(expected: ExpectedAnalytics): Promise<void> {
  expect(await text('#plays-song')).toBe(String(expected.byContentType.song));
  expect(await text('#plays-podcast')).toBe(String(expected.byContentType.podcast));
  const minutes = expected.perMinute.slice(-30).reverse();
  expect(await page.locator('#per-minute tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-minute')))).toEqual(
    minutes.map((m) => m.minute),
  );
  for (const m of minutes) {
    expect(await text(`#per-minute tr[data-minute="${m.minute}"] .song-plays`)).toBe(String(m.song));
    expect(await text(`#per-minute tr[data-minute="${m.minute}"] .podcast-plays`)).toBe(String(m.podcast));
  }
  const rows = await page
    .locator('#top-items tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  expect(rows).toEqual(expected.topItems.slice(0, 10).map((i) => [i.itemId, i.contentType, String(i.plays)]));
}

beforeAll(async () => {
  ensureBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-e2e-page-'));
  await setUpExample(root, { personalize: false });
  url = await startMeshDev();
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stopMeshDev();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('analytics live page over `mesh dev` and the example', () => {
  it('loads empty, shows the counts of produced listens, updates as more arrive, and goes offline when mesh dev stops', async () => {
    const response = await page.goto(`${url}/analytics`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('mesh · analytics');
    await expect.poll(() => text('#status'), { timeout: 10_000 }).toMatch(/^live/);
    expect(await text('#total-plays')).toBe('0');
    expect(await text('#per-minute tbody')).toBe('no plays yet');

    const minuteStart = Math.floor(Date.now() / 60_000) * 60;
    await produce('first.jsonl', burst({ prefix: 'page-a', count: 120, seed: 11, from: minuteStart - 180 }));
    const first = expectedAnalytics(produced);
    let t0 = performance.now();
    await expect.poll(() => text('#total-plays'), { timeout: PAGE_UPDATES_WITHIN_MS }).toBe(String(first.totalPlays));
    const firstMs = performance.now() - t0;
    await expectPageShows(first);

    // More listens in the current minute, and the first ones again (a producer retrying): only the new ones count.
    await produce('second.jsonl', [
      ...burst({ prefix: 'page-b', count: 40, seed: 12, from: Math.floor(Date.now() / 1000) - 20 }),
      ...produced.slice(0, 120),
    ]);
    const second = expectedAnalytics(produced);
    expect(second.totalPlays).toBeGreaterThan(first.totalPlays);
    t0 = performance.now();
    await expect.poll(() => text('#total-plays'), { timeout: PAGE_UPDATES_WITHIN_MS }).toBe(String(second.totalPlays));
    const secondMs = performance.now() - t0;
    await expectPageShows(second);
    console.log(`page showed produced listens after ${firstMs.toFixed(0)} ms, then ${secondMs.toFixed(0)} ms`);

    // Stopping mesh dev with Ctrl-C (SIGINT): exit 130 (interrupted), no process left, and the page says it lost the server.
    const running = processesOf(root);
    expect(running.some((p) => p.kind === 'function')).toBe(true);
    expect(await stopMeshDev()).toBe(130);
    await expect.poll(() => page.locator('#status').getAttribute('class'), { timeout: 10_000 }).toBe('offline');
    expect(running.filter((p) => isAlive(p.pid))).toEqual([]);
    expect(processesOf(root)).toEqual([]);
  });
});
