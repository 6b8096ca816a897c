/**
 * The portal's live page inside a real `mesh dev` child process (the analytics ingestor running): the events-per-second
 * chart updates after `mesh events produce`, the consumer group's lag shows the backlog and then drains, and the
 * plays chart counts what the analytics domain ingested.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../cli/run-cli.js';
import { mesh } from '../e2e/local-example-setup.js';
import { burst, expectedAnalytics, writeJsonLines } from '../e2e/local-listens.js';
import { waitFor } from '../e2e/local-processes.js';
import { axeViolations, ensurePortalBuilt, launchChromium, setUpPortalExample } from './portal-setup.js';

const GROUP = 'mesh.analytics.interactions';
const TOPIC = 'mesh.interactions.listens.v1';

let root: string;
let dev: ChildProcess | undefined;
let devLog = '';
let browser: Browser;
let page: Page;

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

const lag = async () => Number(await page.locator(`#lag-table .lag[data-group="${GROUP}"]`).textContent());
const topicEvents = async () => Number(await page.locator('#topics-table tbody tr', { hasText: TOPIC }).locator('td').nth(2).textContent());

beforeAll(async () => {
  ensureBuilt();
  ensurePortalBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-portal-live-'));
  await setUpPortalExample(root, { personalize: true });
  const url = await startMeshDev();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${url}/portal#/live`);
});

afterAll(async () => {
  await browser?.close();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev?.once('exit', resolve));
    dev.kill('SIGINT');
    await exited;
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the live page in mesh dev', () => {
  it('charts events per second after `events produce`, shows the lag backlog draining, and counts the plays', async () => {
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: 15_000 }).toMatch(/^live/);
    expect(await topicEvents()).toBe(0);
    expect(await lag()).toBe(0);
    expect(await page.locator('#chart-rate canvas').count()).toBe(1);
    const pointsBefore = Number(await page.locator('#chart-rate').getAttribute('data-points'));

    const now = Math.floor(Date.now() / 1000);
    const events = burst({ prefix: 'live', count: 3000, seed: 7, from: now - 120 });
    const doc = await mesh(root, 'events', 'produce', 'interactions', '--file', writeJsonLines(root, 'live.jsonl', events));
    expect(doc.sent).toBe(3000);

    // The chart got a sample with the burst's rate, and the table counts the events.
    await expect.poll(topicEvents, { timeout: 10_000 }).toBe(3000);
    await expect
      .poll(async () => Number(await page.locator('#chart-rate').getAttribute('data-max')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(Number(await page.locator('#chart-rate').getAttribute('data-points'))).toBeGreaterThan(pointsBefore);

    // The ingestor batches (5 s windows): a backlog first, then it drains to 0. The page samples the lag every second
    // from its load on, so the lag chart's maximum shows the backlog even when it drained before this line runs.
    await expect
      .poll(async () => Number(await page.locator('#chart-lag').getAttribute('data-max')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect.poll(lag, { timeout: 60_000 }).toBe(0);
    await expect
      .poll(() => page.locator('#plays-total').textContent(), { timeout: 30_000 })
      .toBe(`Plays: ${expectedAnalytics(events).totalPlays}`);
    expect(Number(await page.locator('#chart-lag').getAttribute('data-max'))).toBeGreaterThan(0);
    expect(await page.locator('#dlq-table tbody tr', { hasText: 'analytics' }).locator('td').nth(3).textContent()).toBe('0');
    expect(await axeViolations(page)).toEqual([]);
  });

  it("explores a user's recommendations with the items' metadata", async () => {
    await page.waitForSelector('#rec-section');
    await page.fill('#rec-user', 'u0042');
    await page.click('#rec-section button[type="submit"]');
    await page.waitForSelector('#rec-table');
    const rows = await page
      .locator('#rec-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    expect(rows.length).toBe(10);
    // Every item is a song (s…) or a podcast episode (p…) with its title read through the recommendations domain's grants.
    for (const [, item, details] of rows) {
      expect(item).toMatch(/^[sp]\d+/);
      expect(details).not.toBe('');
    }
  });
});
