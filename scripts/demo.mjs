#!/usr/bin/env node
// `npm run demo`: the running example end to end on the local target, in a temporary folder.
// Scaffolds the music-streaming mesh, publishes the four products, subscribes Recommendations and Analytics,
// trains and deploys the recommender, starts the consumers (`mesh dev`), sends a burst of new listens (podcast
// listens for u0042, who had only played songs), and prints u0042's recommendations before and after. On the way,
// Analytics requests the users table (access by approval): its query is refused, then works once approved and applied.
// On a terminal it then keeps `mesh dev` and its portal running, with a trickle of listens so plays keep arriving on
// the portal's live charts, until Ctrl-C. Not on a terminal (CI, tests), or with --exit, it ends there.
// Leaves no process running and removes the folder (keep it with --keep).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh.cjs');
const keep = process.argv.includes('--keep');
/** Keep mesh dev and the portal up after the demo, until Ctrl-C: only when a person is at a terminal. */
const stay = process.stdin.isTTY === true && process.stdout.isTTY === true && !process.argv.includes('--exit');
const TRICKLE_MS = 2000;
const USER = 'u0042';
const started = Date.now();
const ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-demo-'));
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
let dev;
let interrupted = false;
let wake = () => {};
// Ctrl-C reaches the whole terminal's process group (mesh dev stops itself); the demo then stops what it started.
process.on('SIGINT', () => {
  interrupted = true;
  wake();
  // Sent to this process alone (not from a terminal): mesh dev gets it from here.
  if (dev && dev.child.exitCode === null) dev.child.kill('SIGINT');
});

const secs = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (text) => process.stdout.write(`${text}\n`);

function mesh(args, { json = false } = {}) {
  if (interrupted) throw new Error('interrupted');
  const res = spawnSync(process.execPath, [bin, ...args, ...(json ? ['--json'] : [])], { cwd: ws, env, encoding: 'utf8' });
  if (res.status !== 0) {
    process.stderr.write(res.stderr);
    throw new Error(`mesh ${args.join(' ')} exited with ${res.status}`);
  }
  return json ? JSON.parse(res.stdout) : res.stdout;
}

/** A command expected to fail: its error code (from --json), or an error when it succeeds. */
function refused(args) {
  const res = spawnSync(process.execPath, [bin, ...args, '--json'], { cwd: ws, env, encoding: 'utf8' });
  if (res.status === 0) throw new Error(`mesh ${args.join(' ')} succeeded, but should have been refused`);
  return JSON.parse(res.stdout).error;
}

/** Analytics asks for users (access by approval; email is PII): refused before, granted after the approval and apply. */
function accessRequest() {
  const sql = 'SELECT country, subscription_tier, count(*) AS listeners FROM users GROUP BY ALL ORDER BY listeners DESC LIMIT 3';
  const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  step('access request: analytics asks for users (no email), pending the users domain', [
    'access',
    'request',
    'users',
    '--domain',
    'analytics',
    '--columns',
    'user_id,country,subscription_tier',
    '--purpose',
    'listeners by country and tier',
    '--until',
    until,
  ]);
  const before = refused(['query', sql, '--domain', 'analytics']);
  say(`          query as analytics before the approval: ${before.code}: ${before.message}`);
  step('access approve analytics/users (recorded in domains/users/domain.yaml)', [
    'access',
    'approve',
    'analytics/users',
    '--by',
    'accounts-team',
  ]);
  const applied = step('apply: the grant follows the approval', ['apply', '--yes']);
  say(`          ${applied.plan.summary.grant} granted`);
  const after = mesh(['query', sql, '--domain', 'analytics'], { json: true });
  say(`          query as analytics after: ${after.rows.map((r) => `${r.country}/${r.subscription_tier} ${r.listeners}`).join(', ')}`);
}

function step(title, args) {
  const out = mesh(args, { json: true });
  say(`[${secs()}] ${title}`);
  return out;
}

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

function contentTypes() {
  const csv = readFileSync(path.join(ws, '.mesh/local/personalize/recommendations/datasets/items.csv'), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  const id = header.indexOf('ITEM_ID');
  const type = header.indexOf('CONTENT_TYPE');
  return new Map(
    csv
      .slice(1)
      .map((line) => line.split(','))
      .map((cells) => [cells[id], cells[type]]),
  );
}

function table(before, after, types) {
  const rows = [];
  const n = Math.max(before.length, after.length);
  const cell = (r) => (r ? `${r.itemId} ${(types.get(r.itemId) ?? '?').padEnd(7)}` : '');
  rows.push(`   ${'before'.padEnd(22)}after`);
  for (let i = 0; i < n; i++) rows.push(`${String(i + 1).padStart(2)} ${cell(before[i]).padEnd(22)}${cell(after[i])}`);
  return rows.join('\n');
}

async function startDev() {
  const child = spawn(process.execPath, [bin, 'dev', '--port', '0'], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mesh dev did not start:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk;
      const m = /mesh dev on (http:\/\/\S+)/.exec(log);
      if (m && /Ctrl-C stops/.test(log)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`mesh dev exited with ${code}:\n${log}`)));
  });
  return { child, url, log: () => log };
}

async function stopDev() {
  if (!dev || dev.child.exitCode !== null) return;
  const exited = new Promise((resolve) => dev.child.once('exit', resolve));
  dev.child.kill('SIGINT');
  const timer = setTimeout(() => dev.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  say(`mesh demo: real-time song and podcast recommendations, local target (workspace ${ws})\n`);
  step('init: music-streaming example (4 producers, 2 consumers, sample data)', ['init', '--example', 'music-streaming', '--yes']);
  const published = step('publish-product: tables into the catalog, topics and event schemas', ['publish-product', '--yes']);
  say(`          ${published.plan.summary.create} created, ${published.plan.summary.grant} granted`);
  for (const product of ['users', 'songs', 'podcasts', 'interactions']) {
    step(`subscribe recommendations → ${product} (table grant + stream function)`, [
      'subscribe',
      product,
      '--domain',
      'recommendations',
      '--yes',
    ]);
  }
  step('subscribe analytics → interactions (stream function)', ['subscribe', 'interactions', '--domain', 'analytics', '--stream', '--yes']);
  accessRequest();
  const trained = step('personalize train: items merged from songs + podcasts, datasets validated, model trained', [
    'personalize',
    'train',
    '--domain',
    'recommendations',
  ]);
  const metrics = trained.solutions?.find((s) => s.solution === 'personalized')?.metrics;
  if (metrics) say(`          NDCG@10 ${Number(metrics.normalized_discounted_cumulative_gain_at_10).toFixed(3)} on the holdout`);
  step('personalize deploy: campaign and event tracker', ['personalize', 'deploy', '--domain', 'recommendations', '--yes']);

  dev = await startDev();
  say(`[${secs()}] mesh dev: consumers running, API on ${dev.url}`);
  say(
    stay
      ? `          portal: ${dev.url}/portal (stays up when the demo is done, until Ctrl-C)`
      : `          portal: ${dev.url}/portal while the demo runs (to browse later: --keep, then npx mesh dev -C <workspace>)`,
  );
  const types = contentTypes();
  const before = (await getJson(`${dev.url}/recommendations/${USER}?num=10`)).itemList;

  // The burst: u0042's podcast listens (from the example's data), stamped now, plus other listeners' plays.
  const now = Math.floor(Date.now() / 1000);
  const u0042 = readFileSync(path.join(ws, 'domains/interactions/data/u0042-podcast-listens.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => ({ ...JSON.parse(line), event_id: `demo-${now}-${i}`, timestamp: now - 60 + i * 5 }));
  const others = Array.from({ length: 40 }, (_, i) => ({
    ...u0042[i % u0042.length],
    event_id: `demo-${now}-o${i}`,
    user_id: `u${String(100 + i).padStart(4, '0')}`,
    session_id: `burst-${i}`,
    item_id: i % 2 === 0 ? `s${String(10 + i).padStart(4, '0')}` : `p${String(20 + i).padStart(4, '0')}`,
    content_type: i % 2 === 0 ? 'song' : 'podcast',
    timestamp: now - 30 + (i % 30),
  }));
  const burst = path.join(ws, 'burst.jsonl');
  writeFileSync(burst, `${[...u0042, ...others].map((e) => JSON.stringify(e)).join('\n')}\n`);
  step(`events produce: ${u0042.length + others.length} new listens (${u0042.length} podcast plays by ${USER})`, [
    'events',
    'produce',
    'interactions',
    '--file',
    burst,
  ]);

  let after = before;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    after = (await getJson(`${dev.url}/recommendations/${USER}?num=10`)).itemList;
    if (after.some((r) => types.get(r.itemId) === 'podcast' && !before.some((b) => b.itemId === r.itemId))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // The Analytics domain's ingestor counts the same burst (deduplicated by event id).
  let summary = await getJson(`${dev.url}/analytics/summary?minutes=5`);
  while (summary.totalPlays < u0042.length + others.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    summary = await getJson(`${dev.url}/analytics/summary?minutes=5`);
  }
  say(`[${secs()}] recommendations for ${USER}, before and after the listens:\n`);
  say(table(before, after, types));
  const podcastsBefore = before.filter((r) => types.get(r.itemId) === 'podcast').length;
  const podcastsAfter = after.filter((r) => types.get(r.itemId) === 'podcast').length;
  say(`\npodcasts in the top 10: ${podcastsBefore} before, ${podcastsAfter} after`);
  say(
    `analytics: ${summary.totalPlays} plays in the last 5 minutes (${summary.byContentType.song} songs, ${summary.byContentType.podcast} podcasts)`,
  );
  if (podcastsAfter <= podcastsBefore) throw new Error('the recommendations did not pick up the podcast listens');
  return others;
}

/** Sleeps, or less when Ctrl-C comes (or mesh dev stops). */
const pause = (ms) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

/** `mesh events produce`, not blocking: Ctrl-C is handled while it runs. */
function produce(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'events', 'produce', 'interactions', '--file', file, '--restart', '--json'], {
      cwd: ws,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 || interrupted ? resolve() : reject(new Error(`mesh events produce exited with ${code}:\n${err}`)),
    );
  });
}

/** After the demo, on a terminal: the portal stays up and a few listens arrive every TRICKLE_MS, until Ctrl-C. */
async function keepRunning(listens) {
  say(`\nThe mesh keeps running. Open the portal: ${dev.url}/portal`);
  say('  Catalog   search for a column, e.g. "artist": it finds songs');
  say('  Product   songs: the contract, owner and subscribers; interactions: subscribed by recommendations and analytics');
  say('  Lineage   producers, topics, functions, down to the Personalize campaign (click songs: everything downstream)');
  say(`  Live      events per second, consumer lag, dead letters, and plays arriving (${dev.url}/portal#/live)`);
  say('Ctrl-C stops mesh dev and removes the workspace.\n');
  const file = path.join(ws, 'trickle.jsonl');
  dev.child.once('exit', () => wake());
  let sent = 0;
  while (!interrupted && dev.child.exitCode === null) {
    const now = Math.floor(Date.now() / 1000);
    const batch = Array.from({ length: 4 }, (_, i) => ({
      ...listens[(sent + i) % listens.length],
      event_id: `trickle-${now}-${sent + i}`,
      session_id: `trickle-${now}`,
      timestamp: now,
    }));
    writeFileSync(file, `${batch.map((e) => JSON.stringify(e)).join('\n')}\n`);
    await produce(file);
    sent += batch.length;
    if (!interrupted) process.stdout.write(`\r  ${sent} listens sent since the demo ended (Ctrl-C stops) `);
    await pause(TRICKLE_MS);
  }
  process.stdout.write('\n');
  if (!interrupted) throw new Error(`mesh dev stopped (exit ${dev.child.exitCode})`);
}

try {
  const listens = await main();
  say(`\ndone in ${secs()}`);
  if (stay && !interrupted) await keepRunning(listens);
} catch (error) {
  if (interrupted) {
    // Ctrl-C before the demo was done (after it, on a terminal, Ctrl-C is how it ends: exit 0).
    say('\ninterrupted');
    process.exitCode = 130;
  } else {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (dev) process.stderr.write(dev.log());
    process.exitCode = 1;
  }
} finally {
  await stopDev();
  if (!keep) rmSync(ws, { recursive: true, force: true });
  else say(`workspace kept: ${ws}`);
  if (stay && interrupted) say(`stopped mesh dev${keep ? '' : ' and removed the workspace'}`);
}
