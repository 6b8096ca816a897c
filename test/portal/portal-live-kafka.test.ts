/**
 * The live page of plain `mesh portal` (no `mesh dev` serving it), in Chromium, over the workspace's streams: the real
 * Kafka broker (a mesh whose streaming names it, with topics and consumer groups of its own), and the embedded log.
 * The events-per-second chart updates after `mesh events produce`; with nobody consuming, the analytics group's lag
 * shows the backlog; a `mesh dev` started beside the portal (its own process) then drains it to 0, and the portal
 * counts the plays it ingested.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../cli/run-cli.js';
import { mesh } from '../e2e/local-example-setup.js';
import { burst, expectedAnalytics, writeJsonLines } from '../e2e/local-listens.js';
import { waitFor } from '../e2e/local-processes.js';
import { kafkaBrokers } from '../support/kafka.js';
import { axeViolations, ensurePortalBuilt, launchChromium } from './portal-setup.js';

interface Running {
  readonly child: ChildProcess;
  log(): string;
}

const children: ChildProcess[] = [];
const roots: string[] = [];
let browser: Browser;

/** A child `mesh <args>` in root, resolved once its output matches `ready`. */
async function start(root: string, args: string[], ready: RegExp): Promise<Running & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  children.push(child);
  let log = '';
  child.stdout.on('data', (c: Buffer) => {
    log += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    log += c.toString('utf8');
  });
  const match = await waitFor(
    `mesh ${args[0]} to start`,
    () => {
      if (child.exitCode !== null) throw new Error(`mesh ${args.join(' ')} exited with ${child.exitCode}:\n${log}`);
      return ready.exec(log) ?? undefined;
    },
    30_000,
  );
  return { child, match, log: () => log };
}

/**
 * Ctrl-C, as a user stops it. Teardown only: a process still running 15 s later is killed, with a warning naming it
 * (once, in a clean-CI run, one did not exit and the hook timed out after all tests had passed; graceful stops are
 * asserted by the tests that own them, e.g. demo-tty.test.ts).
 */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const late = await Promise.race([exited.then(() => false), new Promise((resolve) => setTimeout(resolve, 15_000, true))]);
  if (!late) return;
  process.stderr.write(`warning: \`${child.spawnargs.slice(2).join(' ')}\` did not exit 15 s after SIGINT; killed\n`);
  child.kill('SIGKILL');
  await exited;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? yamlFiles(file) : /\.ya?ml$/.test(name) ? [file] : [];
  });
}

/** The example streaming through the broker, under a prefix of its own (topics and consumer groups), one replica. */
function onKafka(root: string, prefix: string): void {
  const meshFile = path.join(root, 'mesh.yaml');
  const text = readFileSync(meshFile, 'utf8')
    .replace(/^streaming:\n {2}kind: embedded$/m, `streaming:\n  kind: kafka\n  brokers: [${kafkaBrokers().join(', ')}]`)
    .replace(/^( +topicPattern: )mesh\./m, `$1${prefix}.`)
    .replace(/^( +consumerGroupPattern: )mesh\./m, `$1${prefix}.`);
  expect(text).toContain(`consumerGroupPattern: ${prefix}.`);
  writeFileSync(meshFile, text);
  for (const file of yamlFiles(path.join(root, 'domains')).filter((f) => f.endsWith('.odcs.yaml'))) {
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^( +)replicationFactor: 3$/m, '$1replicationFactor: 1'));
  }
}

beforeAll(async () => {
  ensureBuilt();
  ensurePortalBuilt();
  browser = await launchChromium();
});

afterAll(async () => {
  // Teardown does not wait forever on Chromium either (Playwright kills it when this process exits).
  const closed = await Promise.race([
    (browser?.close() ?? Promise.resolve()).then(() => true),
    new Promise((resolve) => setTimeout(resolve, 15_000, false)),
  ]);
  if (!closed) process.stderr.write('warning: Chromium did not close within 15 s\n');
  for (const child of children) await stop(child);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe.each([
  ['the Kafka broker', true],
  ['the embedded log', false],
])('the live page of plain mesh portal, over %s', (_name, kafka) => {
  const prefix = `pl${randomBytes(4).toString('hex')}`;
  const group = `${kafka ? prefix : 'mesh'}.analytics.interactions`;
  const topic = `${kafka ? prefix : 'mesh'}.interactions.listens.v1`;
  let root: string;
  let portal: Running;
  let page: Page;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mesh-portal-live-'));
    roots.push(root);
    await mesh(root, 'init', '--example', 'music-streaming');
    if (kafka) onKafka(root, prefix);
    await mesh(root, 'publish-product');
    await mesh(root, 'subscribe', 'interactions', '--domain', 'analytics', '--stream');
    const started = await start(root, ['portal', '--port', '0'], /mesh portal on (http:\/\/\S+)/);
    portal = started;
    page = await browser.newPage();
    await page.goto(`${started.match[1]}#/live`);
  });

  const lag = async () => Number(await page.locator(`#lag-table .lag[data-group="${group}"]`).textContent());
  const topicEvents = async () =>
    Number(await page.locator('#topics-table tbody tr', { hasText: topic }).locator('td').nth(2).textContent());

  it('charts events per second after `events produce`, shows the backlog as lag, and a consumer drains it', async () => {
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: 15_000 }).toMatch(/^live/);
    expect(await page.locator('#nav-live').isVisible()).toBe(true);
    expect(await topicEvents()).toBe(0);
    expect(await lag()).toBe(0);
    const pointsBefore = Number(await page.locator('#chart-rate').getAttribute('data-points'));

    const events = burst({ prefix: `pl-${kafka}`, count: 2000, seed: 11, from: Math.floor(Date.now() / 1000) - 120 });
    const doc = await mesh(root, 'events', 'produce', 'interactions', '--file', writeJsonLines(root, 'live.jsonl', events));
    expect(doc.sent).toBe(2000);
    await expect.poll(topicEvents, { timeout: 15_000 }).toBe(2000);
    await expect
      .poll(async () => Number(await page.locator('#chart-rate').getAttribute('data-max')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(Number(await page.locator('#chart-rate').getAttribute('data-points'))).toBeGreaterThan(pointsBefore);

    // Nobody consumes yet: the whole burst is the analytics group's backlog, on the table and on the lag chart.
    await expect.poll(lag, { timeout: 10_000 }).toBe(2000);
    await expect.poll(async () => Number(await page.locator('#chart-lag').getAttribute('data-max')), { timeout: 10_000 }).toBe(2000);
    expect(await page.locator('#dlq-table tbody tr', { hasText: 'analytics' }).locator('td').nth(3).textContent()).toBe('0');

    // The consumer runs in `mesh dev`, a process of its own: the portal sees its commits drain the lag.
    const dev = await start(root, ['dev', '--port', '0', '--only', 'interactions-ingestor'], /Ctrl-C stops/);
    await expect.poll(lag, { timeout: 60_000 }).toBe(0);
    await expect
      .poll(() => page.locator('#plays-total').textContent(), { timeout: 30_000 })
      .toBe(`Plays: ${expectedAnalytics(events).totalPlays}`);
    expect(await axeViolations(page)).toEqual([]);
    await stop(dev.child);
    expect(portal.child.exitCode, portal.log()).toBeNull();
  });
});
