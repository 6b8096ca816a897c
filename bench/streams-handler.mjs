// Produce-to-handler latency through the local function runner (`mesh dev`'s Lambda-shaped delivery: child process,
// MSK event shape, commit after success), on the embedded log and on the Kafka broker (KAFKA_BROKERS, default
// 127.0.0.1:19092; start it with `npm run services -- up`). Events are produced at a steady rate in small
// batches; the handler notes, for every record, Date.now() − the record's timestamp (set when it was appended).
//
// Where the time goes, per record: "append → fetched" (the record is durable until the poller's fetch hands it
// over: the poller's wake-up, or the batch it is still delivering and committing) and "fetched → handler" (MSK event,
// IPC to the child, the handler starting). Beside them: how long each produce() (the append's fsync or the broker's
// ack), fetch() and commit() took, and the GC pauses of the process the runner polls in.
//
//   node bench/streams-handler.mjs                    the CLI in dist/
//   node bench/streams-handler.mjs --vs <dir>         and, alternately in the same run, the one built in <dir>/dist
//                                                     (a copy of an earlier build, e.g. before a change)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh.cjs');
const vsAt = process.argv.indexOf('--vs');
const builds = [{ label: 'this build', dir: root }];
if (vsAt > 0) builds.push({ label: path.basename(path.resolve(process.argv[vsAt + 1])), dir: path.resolve(process.argv[vsAt + 1]) });

const EVENTS = 1000;
const PER_BATCH = 10;
const INTERVAL_MS = 20; // 500 events/s
const GOALS = { embedded: 20, kafka: 50 }; // p99 ms
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

async function loadBuild(dir) {
  const dist = path.join(dir, 'dist');
  return {
    loadWorkspace: (await import(path.join(dist, 'workspace/load.js'))).loadWorkspace,
    startFunctionRunner: (await import(path.join(dist, 'streams/local-runner/runner.js'))).startFunctionRunner,
    produceEvents: (await import(path.join(dist, 'streams/events/produce.js'))).produceEvents,
    openStreamConnection: (await import(path.join(dist, 'streams/topics/stream-connection.js'))).openStreamConnection,
  };
}

function mesh(ws, ...args) {
  const r = spawnSync(process.execPath, [bin, ...args, '--yes'], { cwd: ws, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`mesh ${args.join(' ')}: ${r.stderr}`);
}

function quantiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1), n: sorted.length };
}

/** Times the transport's calls and notes when each record was handed to the poller. */
function timed(transport, fetchedAt, calls) {
  const time =
    (name, fn) =>
    async (...args) => {
      const t0 = performance.now();
      try {
        return await fn.apply(transport, args);
      } finally {
        calls[name].push(performance.now() - t0);
      }
    };
  return new Proxy(transport, {
    get(target, prop) {
      if (prop === 'fetch') {
        return async (request) => {
          const batches = await target.fetch(request);
          const now = Date.now();
          for (const b of batches)
            for (const r of b.records) if (!fetchedAt.has(`${b.partition}:${r.offset}`)) fetchedAt.set(`${b.partition}:${r.offset}`, now);
          return batches;
        };
      }
      if (prop === 'commit') return time('commit', target.commit);
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function setUp(streaming) {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-handler-'));
  mesh(ws, 'init', '--example', 'music-streaming');
  const meshFile = path.join(ws, 'mesh.yaml');
  let meshYaml = readFileSync(meshFile, 'utf8');
  if (streaming === 'kafka') {
    const prefix = `bench${Date.now().toString(36)}`;
    meshYaml = meshYaml
      .replace(/streaming:\n\s+kind: embedded/, `streaming:\n  kind: kafka\n  brokers: ["${brokers}"]`)
      .replace(/topicPattern: .*/, `topicPattern: ${prefix}.{domain}.{entity}.v{major}`);
    writeFileSync(meshFile, meshYaml);
    for (const f of ['users', 'songs', 'podcasts', 'interactions']) {
      const file = path.join(ws, `domains/${f}/products/${f}.odcs.yaml`);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/replicationFactor: 3/, 'replicationFactor: 1'));
    }
  }
  const domainFile = path.join(ws, 'domains/analytics/domain.yaml');
  const example = readFileSync(domainFile, 'utf8');
  // The bench measures delivery, not the example's batching: batch size 100, no batching window. Fail loudly if the
  // example's file no longer has these settings (a silent miss measured the example's 1 s window instead).
  if (!/batchSize: \d+/.test(example) || !/batchingWindowSeconds: \d+/.test(example))
    throw new Error(`${domainFile}: batchSize / batchingWindowSeconds not found; update bench/streams-handler.mjs`);
  writeFileSync(
    domainFile,
    example.replace(/batchSize: \d+/, 'batchSize: 100').replace(/batchingWindowSeconds: \d+/, 'batchingWindowSeconds: 0'),
  );
  const latencies = path.join(ws, 'latencies.txt');
  // partition, offset, record timestamp, handler start (ms since the epoch)
  writeFileSync(
    path.join(ws, 'domains/analytics/handlers/interactions-ingestor/index.ts'),
    `import { appendFileSync } from 'node:fs';
export const handler = async (event: { records: Record<string, { partition: number; offset: number; timestamp: number }[]> }) => {
  const now = Date.now();
  const lines = Object.values(event.records).flat().map((r) => \`\${r.partition} \${r.offset} \${r.timestamp} \${now}\`);
  appendFileSync(${JSON.stringify(latencies)}, lines.join('\\n') + '\\n');
  return { batchItemFailures: [] };
};
`,
  );
  writeFileSync(latencies, '');
  mesh(ws, 'publish-product', 'interactions');
  mesh(ws, 'subscribe', 'interactions', '--domain', 'analytics', '--stream');
  return { ws, latencies };
}

async function measure(build, streaming) {
  const { ws, latencies } = await setUp(streaming);
  const gc = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push(e.duration);
  });
  try {
    const workspace = await build.loadWorkspace(ws);
    const calls = { produce: [], commit: [] };
    const fetchedAt = new Map();
    const connection = await build.openStreamConnection({ workspace, target: 'local', clientId: 'bench-runner' });
    // One producer connection for the run, as `mesh events produce` keeps one for all its batches (a connection per
    // batch would time a Kafka client's start-up, the metadata round trips, not the delivery).
    const producer = await build.openStreamConnection({ workspace, target: 'local', clientId: 'bench-producer' });
    const controller = new AbortController();
    const runner = await build.startFunctionRunner({
      workspace,
      target: 'local',
      signal: controller.signal,
      only: ['interactions-ingestor'],
      transport: timed(connection.transport, fetchedAt, calls),
      pollWaitMs: 50,
    });
    // Wait until the runner is ready: the function's process has started and the poller holds its position in the
    // group. A build from before `ready` existed gets the old fixed wait instead (and a cold start on the first batch).
    const before = typeof runner.ready === 'undefined';
    await (before ? new Promise((r) => setTimeout(r, 1500)) : runner.ready);
    observer.observe({ entryTypes: ['gc'] });
    const started = Date.now();
    for (let i = 0; i < EVENTS / PER_BATCH; i++) {
      const lines = Array.from({ length: PER_BATCH }, (_, j) =>
        JSON.stringify({
          event_id: `b${i}-${j}`,
          user_id: `u${String((i * PER_BATCH + j) % 500).padStart(4, '0')}`,
          item_id: 's0001',
          content_type: 'song',
          event_type: 'play',
          session_id: 'bench',
          timestamp: Math.floor(Date.now() / 1000),
        }),
      );
      const t0 = performance.now();
      await build.produceEvents({
        workspace,
        target: 'local',
        product: 'interactions',
        text: lines.join('\n'),
        transport: producer.transport,
      });
      calls.produce.push(performance.now() - t0);
      const due = started + (i + 1) * INTERVAL_MS;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    const deadline = Date.now() + 30_000;
    let rows = [];
    while (Date.now() < deadline) {
      rows = readFileSync(latencies, 'utf8').trim().split('\n').filter(Boolean);
      if (rows.length >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    observer.disconnect();
    await runner.stop();
    await connection.transport.close();
    await producer.transport.close();
    const total = [];
    const queued = [];
    const handed = [];
    for (const row of rows) {
      const [partition, offset, ts, start] = row.split(' ').map(Number);
      total.push(start - ts);
      const fetched = fetchedAt.get(`${partition}:${offset}`);
      if (fetched !== undefined) {
        queued.push(fetched - ts);
        handed.push(start - fetched);
      }
    }
    return {
      total: quantiles(total),
      queued: quantiles(queued),
      handed: quantiles(handed),
      produce: quantiles(calls.produce),
      commit: quantiles(calls.commit),
      gc: quantiles(gc.length ? gc : [0]),
      gcCount: gc.length,
      before,
    };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

const fmt = (n) => (n === undefined ? '–' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const results = [];
for (const streaming of ['embedded', 'kafka']) {
  for (const build of builds) {
    const loaded = await loadBuild(build.dir);
    results.push({ streaming, build: build.label, ...(await measure(loaded, streaming)) });
  }
}
const transportName = (s) => (s === 'embedded' ? 'embedded log' : `Kafka broker (${brokers})`);
console.log('| transport | build | delivered | p50 ms | p90 ms | p99 ms | goal (p99) |\n|---|---|---|---|---|---|---|');
for (const r of results) {
  const goal = GOALS[r.streaming];
  console.log(
    `| ${transportName(r.streaming)} | ${r.build} | ${r.total.n} / ${EVENTS} | ${fmt(r.total.p50)} | ${fmt(r.total.p90)} | ${fmt(r.total.p99)} | < ${goal} ${r.total.p99 < goal ? 'met' : 'NOT met'} |`,
  );
}
console.log('\nWhere the time goes (p50 / p99 / max, ms):\n');
console.log(
  '| transport | build | append → fetched | fetched → handler | produce() call | commit() call | GC pauses (count, p99, max) |\n|---|---|---|---|---|---|---|',
);
const three = (q) => `${fmt(q.p50)} / ${fmt(q.p99)} / ${fmt(q.max)}`;
for (const r of results) {
  console.log(
    `| ${transportName(r.streaming)} | ${r.build} | ${three(r.queued)} | ${three(r.handed)} | ${three(r.produce)} | ${three(r.commit)} | ${r.gcCount}, ${fmt(r.gc.p99)}, ${fmt(r.gc.max)} |`,
  );
}
console.log(
  `\nProduce → handler: ${EVENTS} events at ${(1000 / INTERVAL_MS) * PER_BATCH} events/s in batches of ${PER_BATCH}, function batchSize 100, ` +
    'batching window 0, handler in a child process (the local function runner), latency from the record timestamp to the ' +
    `handler's start. Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}: a loaded machine inflates every figure.` +
    (builds.length > 1 ? ' The builds run one after the other on each transport.' : ''),
);
