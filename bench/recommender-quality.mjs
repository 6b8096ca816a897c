#!/usr/bin/env node
// Benchmark of the local recommendation engine (src/personalize/recommender, compiled to dist/).
//   node bench/recommender-quality.mjs            → markdown tables on stdout (< 3 min on 2 cores)
// Sections:
//   1. training time and peak memory at 100k and 1M synthetic interactions, one child process per size
//      (peak = the child's maxRSS from process.resourceUsage(); heap = heapUsed after training),
//      plus latency p50/p99 of recommend() and of an event's effect (recordEvents + recommend) on that model;
//   2. NDCG@10 / precision@10 / coverage of each recipe vs popularity-count on the same splits
//      (music-like synthetic data and the airline data set), mean of 3 Personalize-style splits.
// Environment: AIRLINE_DIR (default test/data/airline: the repository's gzip-compressed copy), BENCH_SIZES (e.g. "100000").
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const engine = await import(path.join(HERE, '..', 'dist', 'personalize', 'recommender', 'index.js'));
const AIRLINE_DIR = process.env.AIRLINE_DIR ?? path.join(HERE, '..', 'test', 'data', 'airline');
const MB = 1024 * 1024;

/** Synthetic music data of about `n` interactions (25 events per user on average, 1.5 items per 100 events). */
function musicOfSize(n, itemCount) {
  const users = Math.round(n / 25);
  const items = itemCount ?? Math.round(n * 0.015);
  return engine.generateMusicDataset({
    seed: 3,
    users,
    songs: Math.round(items * 0.8),
    podcasts: Math.round(items * 0.2),
    genres: Math.max(10, Math.round(items / 100)),
    topics: Math.max(5, Math.round(items / 300)),
    eventsPerUser: 25,
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function childTrain(n, items) {
  const data = musicOfSize(n, items);
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const model = engine.trainModel(data, { recipe: 'user-personalization', seed: 1 });
  const trainMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const trainCpuMs = (cpu.user + cpu.system) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const modelBytes = engine.serializeModel(model).length;
  // latency: 1000 recommend calls for known users; then 1000 × (record one event + recommend)
  const users = model.userIds;
  const rec = [];
  for (let k = 0; k < 1000; k++) {
    const userId = users[(k * 7919) % users.length];
    const t = performance.now();
    engine.recommend(model, { userId, numResults: 25 });
    rec.push(performance.now() - t);
  }
  const evt = [];
  const ts = data.interactions.at(-1).timestamp + 60;
  for (let k = 0; k < 1000; k++) {
    const userId = users[(k * 104729) % users.length];
    const itemId = model.itemIds[(k * 31) % model.warmItemCount];
    const t = performance.now();
    engine.recordEvents(model, [{ userId, itemId, timestamp: ts + k, eventType: 'play' }]);
    engine.recommend(model, { userId, numResults: 25 });
    evt.push(performance.now() - t);
  }
  rec.sort((a, b) => a - b);
  evt.sort((a, b) => a - b);
  return {
    interactions: data.interactions.length,
    users: model.stats.users,
    items: model.stats.items,
    method: model.method,
    trainMs,
    trainCpuMs,
    baseRssMB: baseRss / MB,
    peakRssMB: peakRss / MB,
    heapMB: heapAfter / MB,
    modelMB: modelBytes / MB,
    recP50: percentile(rec, 0.5),
    recP99: percentile(rec, 0.99),
    evtP50: percentile(evt, 0.5),
    evtP99: percentile(evt, 0.99),
  };
}

function loadAirline() {
  const gz = existsSync(path.join(AIRLINE_DIR, 'df_interactions.csv.gz'));
  if (!gz && !existsSync(path.join(AIRLINE_DIR, 'df_interactions.csv'))) return undefined;
  const read = (f) =>
    gz ? gunzipSync(readFileSync(path.join(AIRLINE_DIR, `${f}.gz`))).toString('utf8') : readFileSync(path.join(AIRLINE_DIR, f), 'utf8');
  return {
    interactions: engine.parseInteractionsCsv(read('df_interactions.csv')).records,
    items: engine.parseItemsCsv(read('df_item_deduplicated.csv')).records,
    users: engine.parseUsersCsv(read('df_users_deduplicated.csv')).records,
  };
}

const CANDIDATES = [
  ['popularity-count', 'popularity-count', {}],
  ['user-personalization (auto, tuned)', 'user-personalization', {}],
  ['user-personalization, EASE (tuned λ, recency, trend)', 'user-personalization', { method: 'ease' }],
  ['user-personalization, item-kNN (tuned k)', 'user-personalization', { method: 'item-knn' }],
  ['plain EASE (λ = 2 × mean degree, untuned, no trend)', 'user-personalization', { method: 'ease', tune: false, trendWeight: 0 }],
  ['similar-items (as user recommender)', 'similar-items', {}],
];

/** Each candidate on the same 3 disjoint holdout splits (the CLI's evaluation: seed 42). */
function quality(name, data) {
  const rows = [];
  for (const [label, recipe, params] of CANDIDATES) {
    const r = engine.evaluateSplits(data, { recipe, params });
    const m = (k) => r.metrics[k];
    const sd = (k) => r.std[k];
    rows.push({
      name,
      label,
      methods: r.method,
      ndcg10: m('normalized_discounted_cumulative_gain_at_10'),
      ndcg10sd: sd('normalized_discounted_cumulative_gain_at_10'),
      p10: m('precision_at_10'),
      mrr: m('mean_reciprocal_rank_at_25'),
      mrrSd: sd('mean_reciprocal_rank_at_25'),
      coverage: m('coverage'),
      trainMs: r.trainMs / r.plan.count,
      testUsers: r.testUsers.reduce((a, b) => a + b, 0) / r.testUsers.length,
    });
  }
  return rows;
}

if (process.argv[2] === '--child') {
  const [n, items] = process.argv[3].split(':').map(Number);
  process.stdout.write(JSON.stringify(childTrain(n, items)));
  process.exit(0);
}

const started = performance.now();
// "interactions" or "interactions:items" (default items = 1.5 % of interactions)
const sizes = (process.env.BENCH_SIZES ?? '100000,100000:10000,1000000').split(',');
const f = (x, d = 0) => x.toFixed(d);
console.log('## Local recommendation engine: training, memory, latency (user-personalization)\n');
console.log(
  '| interactions | users | items | method | train s (wall / CPU) | RSS before train MB | peak RSS MB | heap after MB | model MB | recommend p50 / p99 ms | event→recommend p50 / p99 ms |',
);
console.log('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const n of sizes) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    console.log(`| ${n} | failed: ${(child.stderr || '').split('\n').slice(0, 3).join(' ')} |`);
    continue;
  }
  const r = JSON.parse(child.stdout);
  console.log(
    `| ${r.interactions} | ${r.users} | ${r.items} | ${r.method} | ${f(r.trainMs / 1000, 1)} / ${f(r.trainCpuMs / 1000, 1)} | ${f(r.baseRssMB)} | ${f(r.peakRssMB)} | ${f(r.heapMB)} | ${f(r.modelMB, 1)} | ${f(r.recP50, 2)} / ${f(r.recP99, 2)} | ${f(r.evtP50, 2)} / ${f(r.evtP99, 2)} |`,
  );
}

console.log(
  '\n## Offline metrics vs popularity-count (Personalize holdout: 10 % of users, newest 10 % as truth; mean ± std of 3 disjoint splits)\n',
);
console.log('| data | recipe | method | NDCG@10 | × popularity | precision@10 | MRR@25 | coverage | train s | test users |');
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
const sets = [['music (synthetic, 3,000 users)', engine.generateMusicDataset({ seed: 7, users: 3000 })]];
const airline = loadAirline();
if (airline) sets.push(['airline', airline]);
for (const [name, data] of sets) {
  const rows = quality(name, data);
  const base = rows[0].ndcg10;
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.label} | ${r.methods} | ${f(r.ndcg10, 4)} ± ${f(r.ndcg10sd, 4)} | ${f(r.ndcg10 / base, 2)} | ${f(r.p10, 4)} | ${f(r.mrr, 4)} ± ${f(r.mrrSd, 4)} | ${f(r.coverage, 3)} | ${f(r.trainMs / 1000, 2)} | ${f(r.testUsers)} |`,
    );
  }
}
if (!airline) console.log(`\n(airline data not found in ${AIRLINE_DIR}; set AIRLINE_DIR)`);
console.log('\nTraining includes validation tuning (method, EASE λ / kNN k, recency). RSS before train = the generated data set.');
console.log(`\nTotal bench time ${f((performance.now() - started) / 1000, 1)} s, Node ${process.version}.`);
