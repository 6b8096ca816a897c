// Produce-to-handler latency through the local function runner (`mesh dev`'s Lambda-shaped delivery: child process,
// MSK event shape, commit after success), on the embedded log and on the Kafka broker (KAFKA_BROKERS, default
// 127.0.0.1:19092; start it with `npm run services -- up`). Events are produced at a steady rate in small
// batches; the handler records Date.now() − the record's timestamp (set when produced) for every record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh.js');
const { loadWorkspace } = await import(path.join(root, 'dist/workspace/load.js'));
const { startFunctionRunner } = await import(path.join(root, 'dist/streams/local-runner/runner.js'));
const { produceEvents } = await import(path.join(root, 'dist/streams/events/produce.js'));
const { createOutput } = await import(path.join(root, 'dist/io/output.js'));

const EVENTS = 1000;
const PER_BATCH = 10;
const INTERVAL_MS = 20; // 500 events/s
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const quiet = createOutput({ stdout: { write: () => true }, stderr: { write: () => true } });

function mesh(ws, ...args) {
  const r = spawnSync(process.execPath, [bin, ...args, '--yes'], { cwd: ws, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`mesh ${args.join(' ')}: ${r.stderr}`);
}

async function measure(label, streaming) {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-handler-'));
  try {
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
    writeFileSync(
      domainFile,
      readFileSync(domainFile, 'utf8')
        .replace('batchSize: 500', 'batchSize: 100')
        .replace('batchingWindowSeconds: 5', 'batchingWindowSeconds: 0'),
    );
    const latencies = path.join(ws, 'latencies.txt');
    writeFileSync(
      path.join(ws, 'domains/analytics/handlers/interactions-ingestor/index.ts'),
      `import { appendFileSync } from 'node:fs';
export const handler = async (event: { records: Record<string, { timestamp: number }[]> }) => {
  const now = Date.now();
  const lines = Object.values(event.records).flat().map((r) => String(now - r.timestamp));
  appendFileSync(${JSON.stringify(latencies)}, lines.join('\\n') + '\\n');
  return { batchItemFailures: [] };
};
`,
    );
    writeFileSync(latencies, '');
    mesh(ws, 'publish-product', 'interactions');
    mesh(ws, 'subscribe', 'interactions', '--domain', 'analytics', '--stream');
    const workspace = await loadWorkspace(ws);
    const controller = new AbortController();
    const runner = await startFunctionRunner({
      workspace,
      target: 'local',
      output: quiet,
      signal: controller.signal,
      only: ['interactions-ingestor'],
      pollWaitMs: 50,
    });
    await new Promise((r) => setTimeout(r, 1500)); // the child process starts and the poller joins
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
      await produceEvents({ workspace, target: 'local', product: 'interactions', text: lines.join('\n') });
      const due = started + (i + 1) * INTERVAL_MS;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    const deadline = Date.now() + 30_000;
    let values = [];
    while (Date.now() < deadline) {
      values = readFileSync(latencies, 'utf8').trim().split('\n').filter(Boolean).map(Number);
      if (values.length >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await runner.stop();
    values.sort((a, b) => a - b);
    const at = (q) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
    return `| ${label} | ${values.length} / ${EVENTS} | ${at(0.5)} | ${at(0.9)} | ${at(0.99)} |`;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

const rows = [await measure('embedded log', 'embedded'), await measure(`Kafka broker (${brokers})`, 'kafka')];
console.log(
  `| transport | delivered | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|---|\n${rows.join('\n')}\n\n` +
    `Produce → handler: ${EVENTS} events at ${(1000 / INTERVAL_MS) * PER_BATCH} events/s in batches of ${PER_BATCH}, function batchSize 100, ` +
    'batching window 0, handler in a child process (the local function runner), latency from the record timestamp.',
);
