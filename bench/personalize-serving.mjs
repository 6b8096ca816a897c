#!/usr/bin/env node
// Serving throughput of the local recommendation API of `mesh dev`, against the limit of the HTTP stack: a bare
// node:http server answering a fixed JSON body of the same size. autocannon (in a child process, so that the load
// generator and the server each have a core) on loopback, concurrency 10 and 50, for
//   - GET /recommendations/{userId}?num=25           (the recommendations API; a different user per request)
//   - POST /recommendations (Personalize GetRecommendations, campaignArn + userId, numResults 25)
// on a ~350-item and a 10,000-item catalogue (user-personalization, default filter exclude-played).
// Paired: each row runs the same request generator (same paths, same bodies) against the bare server and then
// the dev server, back to back, so both pay the same load-generator cost; ratio = dev ÷ bare of that pair. Each
// row repeats the pair `--repeats` times (default 3) and reports medians: on a shared 2-core machine one pair
// can be off by a factor of two when another job starts during one half of it.
// Every user is asked once before measuring (the runtime keeps exact per-user answers until that user's next
// event, an item change or a deploy): the table is the steady state; the uncached ranking cost is the second table.
// Then the event's effect: PutEvents then GetRecommendations for that user, sequential, p50/p99.
// Imports from ../dist (npm run bench builds first).
// Usage: node bench/personalize-serving.mjs [--seconds 3] [--repeats 3] [--sizes 350,10000]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '../dist/dev/http/server.js';
import { createOutput } from '../dist/io/output.js';
import { LocalCampaignRuntime } from '../dist/personalize/local/local-campaign.js';
import { readPersonalizeOutputs } from '../dist/personalize/outputs.js';
import { openPersonalizeProject } from '../dist/personalize/project.js';
import { generateMusicDataset, interactionsToCsv, itemsToCsv, usersToCsv } from '../dist/personalize/recommender/index.js';
import { deployPersonalize, trainPersonalize } from '../dist/personalize/service.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argOf = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(argOf('seconds', '3'));
const REPEATS = Math.max(1, Number(argOf('repeats', '3')));
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const SIZES = argOf('sizes', '350,10000').split(',').map(Number);

const schema = (name, fields) =>
  JSON.stringify({ type: 'record', name, namespace: 'com.amazonaws.personalize.schema', fields, version: '1.0' });
const YAML = `datasetGroup: bench
datasets:
  interactions:
    schema: schemas/interactions.avsc
    source: { csv: data/interactions.csv }
    columns: { USER_ID: USER_ID, ITEM_ID: ITEM_ID, TIMESTAMP: TIMESTAMP, EVENT_TYPE: EVENT_TYPE }
  items:
    schema: schemas/items.avsc
    source: { csv: data/items.csv }
    columns: { ITEM_ID: ITEM_ID, CONTENT_TYPE: CONTENT_TYPE, GENRE: GENRE }
solutions:
  personalized: { recipe: user-personalization, autoTraining: false, campaign: { minProvisionedTPS: 1 } }
filters:
  exclude-played: EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play")
defaultFilter: exclude-played
`;

/** A workspace with a recommendations domain of about `items` items (10 interactions per item, 20 per user). */
function workspaceIn(root, items) {
  const dir = path.join(root, 'domains', 'recs');
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const field = (name, type, extra = {}) => ({ name, type, ...extra });
  writeFileSync(
    path.join(dir, 'schemas', 'interactions.avsc'),
    schema('Interactions', [
      field('USER_ID', 'string'),
      field('ITEM_ID', 'string'),
      field('TIMESTAMP', 'long'),
      field('EVENT_TYPE', 'string'),
    ]),
  );
  writeFileSync(
    path.join(dir, 'schemas', 'items.avsc'),
    schema('Items', [
      field('ITEM_ID', 'string'),
      field('CONTENT_TYPE', 'string', { categorical: true }),
      field('GENRE', ['null', 'string'], { categorical: true }),
    ]),
  );
  const users = Math.max(500, Math.round((items * 10) / 20));
  const data = generateMusicDataset({
    seed: 11,
    users,
    songs: Math.round(items * 0.8),
    podcasts: Math.round(items * 0.2),
    genres: Math.max(10, Math.round(items / 100)),
    topics: Math.max(5, Math.round(items / 300)),
    eventsPerUser: 20,
  });
  writeFileSync(path.join(dir, 'data', 'interactions.csv'), interactionsToCsv(data.interactions));
  writeFileSync(path.join(dir, 'data', 'items.csv'), itemsToCsv(data.items));
  writeFileSync(path.join(dir, 'data', 'users.csv'), usersToCsv(data.users));
  writeFileSync(path.join(dir, 'personalize.yaml'), YAML);
  const domain = {
    name: 'recs',
    kind: 'consumer',
    owner: { team: 't', contact: 'c' },
    access: { account: '111122223333', region: 'us-east-1' },
    roleName: 'recs',
    dir,
    file: path.join(dir, 'domain.yaml'),
    subscriptions: [],
    transforms: [],
    personalizeFile: path.join(dir, 'personalize.yaml'),
  };
  const workspace = {
    root,
    meshFile: path.join(root, 'mesh.yaml'),
    domains: [domain],
    products: [],
    mesh: {
      name: 'bench',
      target: 'local',
      central: { account: '999988887777', region: 'us-east-1', dataAccessRoleName: 'x' },
      streaming: { kind: 'embedded' },
      naming: {
        topicPattern: 'mesh.{domain}.{entity}.v{major}',
        databasePattern: '{mesh}_{domain}',
        linkDatabasePattern: 'mesh_{domain}',
        consumerGroupPattern: 'mesh.{consumer}.{product}',
      },
      requiredOwnerFields: [],
      schemaRegistry: 'bench',
      localDir: path.join(root, '.mesh', 'local'),
      aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
    },
  };
  return { workspace, data };
}

/** The load generator, a child process (options on stdin, result on stdout): autocannon, one user per request. */
const LOADER = `
import autocannon from ${JSON.stringify(path.join(HERE, '..', 'node_modules', 'autocannon', 'autocannon.js'))};
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { url, connections, duration, mode, users, campaignArn } = JSON.parse(input);
let n = 0;
const next = () => users[(n++ * 7919) % users.length];
const requests = mode === 'get'
    ? [{ method: 'GET', setupRequest: (req) => ({ ...req, path: '/recommendations/' + encodeURIComponent(next()) + '?num=25' }) }]
    : [{ method: 'POST', headers: { 'content-type': 'application/json' },
         setupRequest: (req) => ({ ...req, path: '/recommendations', body: JSON.stringify({ campaignArn, userId: next(), numResults: 25 }) }) }];
const r = await autocannon({ url, connections, duration, requests });
process.stdout.write(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, total: r.requests.total }));
`;

/** One load run; `cpuUs`: CPU time of this process (where both servers run) per answered request. */
async function load(opts) {
  const cpu0 = process.cpuUsage();
  const r = await loadRun(opts);
  const cpu = process.cpuUsage(cpu0);
  return { ...r, cpuUs: (cpu.user + cpu.system) / Math.max(1, r.total) };
}

function loadRun(opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOADER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited with ${code}`))));
    child.stdin.end(JSON.stringify(opts));
  });
}

function bareServer(body) {
  const payload = Buffer.from(body);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
    res.end(payload);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function benchSize(items, output) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-serving-'));
  let server;
  let bare;
  try {
    const { workspace, data } = workspaceIn(root, items);
    const ctx = { workspace, target: 'local', output };
    const t0 = performance.now();
    await trainPersonalize(ctx);
    const trainS = (performance.now() - t0) / 1000;
    await deployPersonalize(ctx);
    server = await startDevServer({ workspace, port: 0, output });
    const { campaignArn, trackingId } = readPersonalizeOutputs(workspace, 'recs');
    const users = data.users.map((u) => u.userId);
    // warm-up (model load, JIT) and a typical body for the bare server
    let body = '';
    for (let i = 0; i < 200; i++) body = await (await fetch(`${server.url}/recommendations/${users[i % users.length]}?num=25`)).text();
    bare = await bareServer(body);
    const bareUrl = `http://127.0.0.1:${bare.address().port}`;
    // steady state: every user asked once (GET and POST share the runtime's answers)
    for (let i = 0; i < users.length; i += 50)
      await Promise.all(users.slice(i, i + 50).map(async (u) => (await fetch(`${server.url}/recommendations/${u}?num=25`)).text()));
    const rows = [];
    for (const connections of [10, 50]) {
      for (const [mode, what] of [
        ['get', 'GET /recommendations/{userId}'],
        ['post', 'GetRecommendations (POST)'],
      ]) {
        const pairs = [];
        for (let k = 0; k < REPEATS; k++) {
          const base = await load({ url: bareUrl, connections, duration: SECONDS, mode, users, campaignArn });
          const r = await load({ url: server.url, connections, duration: SECONDS, mode, users, campaignArn });
          pairs.push({ base, r });
        }
        rows.push({
          what,
          connections,
          bare: { rps: median(pairs.map((p) => p.base.rps)), errors: pairs.reduce((n, p) => n + p.base.errors, 0) },
          rps: median(pairs.map((p) => p.r.rps)),
          p50: median(pairs.map((p) => p.r.p50)),
          p99: median(pairs.map((p) => p.r.p99)),
          cpuUs: median(pairs.map((p) => p.r.cpuUs)),
          bareCpuUs: median(pairs.map((p) => p.base.cpuUs)),
          errors: pairs.reduce((n, p) => n + p.r.errors, 0),
          ratio: median(pairs.map((p) => p.r.rps / p.base.rps)),
          ratios: pairs.map((p) => p.r.rps / p.base.rps),
        });
      }
    }
    // the ranking itself, without the answer cache (what a user's first request, or the one after an event, costs)
    const rt = await LocalCampaignRuntime.open(openPersonalizeProject(workspace, 'recs'), { resultCacheSize: 0 });
    for (let i = 0; i < 100; i++) await rt.recommend({ userId: users[i % users.length], numResults: 25 });
    const n = Math.min(2000, users.length);
    const t1 = performance.now();
    for (let i = 0; i < n; i++) await rt.recommend({ userId: users[(i * 7919) % users.length], numResults: 25 });
    const uncachedUs = ((performance.now() - t1) * 1000) / n;
    rt.close();
    // event → changed recommendations, sequential
    const effect = [];
    let changed = 0;
    for (let i = 0; i < 200; i++) {
      const u = users[(i * 31) % users.length];
      const before = await (await fetch(`${server.url}/recommendations/${u}?num=25`)).json();
      const played = before.itemList[0].itemId;
      const t = performance.now();
      const put = await fetch(`${server.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          trackingId,
          userId: u,
          sessionId: `s-${i}`,
          eventList: [{ eventType: 'play', itemId: played, sentAt: Date.now() / 1000 }],
        }),
      });
      await put.text();
      const after = await (await fetch(`${server.url}/recommendations/${u}?num=25`)).json();
      effect.push(performance.now() - t);
      if (!after.itemList.some((it) => it.itemId === played)) changed++;
    }
    effect.sort((a, b) => a - b);
    return {
      items: data.items.length,
      interactions: data.interactions.length,
      trainS,
      bodyBytes: body.length,
      rows,
      effect,
      changed,
      uncachedUs,
    };
  } finally {
    await server?.close();
    await new Promise((r) => (bare ? bare.close(r) : r()));
    rmSync(root, { recursive: true, force: true });
  }
}

async function main() {
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const output = createOutput({ stdout: silent, stderr: silent });
  console.log(
    `autocannon ${SECONDS} s per run on loopback (load generator in a child process). Each row: the same requests against a bare node:http server answering a fixed body of the same size, then against mesh dev; ratio = mesh dev req/s ÷ bare req/s; ${REPEATS} pairs per row, medians (the ratio column: median of the pairs' ratios, then each pair's).\n`,
  );
  console.log(
    '| catalogue | endpoint | conc. | bare req/s | req/s | p50 ms | p99 ms | errors | ratio to bare | pairs | server CPU µs/request, bare / mesh dev (ratio) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const effects = [];
  for (const items of SIZES) {
    const r = await benchSize(items, output);
    for (const row of r.rows) {
      console.log(
        `| ${r.items} items (${r.interactions} interactions, body ${r.bodyBytes} B) | ${row.what} | ${row.connections} | ${Math.round(row.bare.rps)} | ${Math.round(row.rps)} | ${row.p50} | ${row.p99} | ${row.errors + row.bare.errors} | ${row.ratio.toFixed(2)} | ${row.ratios.map((x) => x.toFixed(2)).join(' ')} | ${row.bareCpuUs.toFixed(1)} / ${row.cpuUs.toFixed(1)} (${(row.bareCpuUs / row.cpuUs).toFixed(2)}) |`,
      );
    }
    effects.push(r);
  }
  console.log(
    '\n| catalogue | train s (3-split eval + fit) | ranking without the answer cache, µs/request (in process) | event → changed list p50 ms | p99 ms | played item gone |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of effects) {
    console.log(
      `| ${r.items} items | ${r.trainS.toFixed(1)} | ${r.uncachedUs.toFixed(0)} | ${quantile(r.effect, 0.5).toFixed(2)} | ${quantile(r.effect, 0.99).toFixed(2)} | ${r.changed}/${r.effect.length} |`,
    );
  }
}

await main();
