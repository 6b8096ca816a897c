#!/usr/bin/env node
// Stream transport benchmark: the embedded log and kafkajs on the real broker, side by side, in one run (< 2 min).
//   npx tsc -p tsconfig.build.json && node bench/streams.mjs [--json]
// Env: KAFKA_BROKERS (default 127.0.0.1:19092). A broker that does not answer is reported in the table, not fatal.
//
// Measures, per transport:
//   - produce throughput (events/s) with batches of 100 and with one event per produce() call (each acknowledged
//     = durable: an fsync'd SQLite commit, or acks=all on the broker);
//   - end-to-end latency, produce() call to a consumer-group poller holding the event (p50, p99), at a steady
//     200 events/s. For the embedded log also with the poller in another process (it polls the file for changes).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const transportModule = path.join(HERE, '..', 'dist', 'streams', 'transport', 'index.js');
const { openEmbeddedLog, createKafkaTransport } = await import(transportModule);

const PARTITIONS = 6;
const KEYS = 1_000;
const VALUE_BYTES = 200;
const LATENCY_EVENTS = 1_000;
const LATENCY_INTERVAL_MS = 5;
const LATENCY_MAX_MS = 8_000; // per transport: keeps the whole run under 2 minutes on a loaded machine
const now = () => performance.timeOrigin + performance.now(); // sub-ms wall clock, comparable across processes
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function event(i, extra = {}) {
  const body = JSON.stringify({ i, ...extra });
  return { key: Buffer.from(`user-${i % KEYS}`), value: Buffer.from(body.padEnd(VALUE_BYTES, ' ')) };
}

async function throughput(transport, topic, batchSize, { maxEvents, maxMs }) {
  const started = now();
  let sent = 0;
  while (sent < maxEvents && now() - started < maxMs) {
    await transport.produce(
      topic,
      Array.from({ length: batchSize }, (_, j) => event(sent + j)),
    );
    sent += batchSize;
  }
  return sent / ((now() - started) / 1000);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A Lambda-like poller: fetch, note each event's arrival time, commit; until stop.done. */
async function poll(transport, group, topic, onArrival, stop) {
  while (!stop.done) {
    for (const batch of await transport.fetch({ group, topic, maxRecords: 500, maxWaitMs: 200 })) {
      const arrived = now();
      for (const record of batch.records) onArrival(JSON.parse(record.value.toString()), arrived);
      await transport.commit(group, topic, batch.partition, batch.nextOffset);
    }
  }
}

async function latency(producer, topic, pollerTransport, { remote } = {}) {
  const latencies = [];
  const stop = { done: false };
  let warm = false;
  const onArrival = (body, arrived) => {
    if (body.warmup) warm = true;
    else latencies.push(arrived - body.sentAt);
  };
  let poller;
  let child;
  if (remote) {
    child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--remote-poller', remote, topic], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let pending = '';
    child.stdout.on('data', (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const { body, arrived } = JSON.parse(line);
        onArrival(body, arrived);
      }
    });
  } else {
    poller = poll(pollerTransport, `bench-${Date.now()}`, topic, onArrival, stop);
  }
  // Warm up until the poller is in its group and receiving (a Kafka group join takes a moment).
  const warmStart = Date.now();
  while (!warm) {
    if (Date.now() - warmStart > 30_000) throw new Error('the poller received nothing within 30 s');
    await producer.produce(topic, [{ key: null, value: Buffer.from(JSON.stringify({ warmup: true })) }]);
    await sleep(100);
  }
  const latencyStart = Date.now();
  let sent = 0;
  for (let i = 0; i < LATENCY_EVENTS && Date.now() - latencyStart < LATENCY_MAX_MS; i++, sent++) {
    await producer.produce(topic, [event(i, { sentAt: now() })]);
    await sleep(LATENCY_INTERVAL_MS);
  }
  const deadline = Date.now() + 10_000;
  while (latencies.length < sent && Date.now() < deadline) await sleep(20);
  stop.done = true;
  await poller;
  child?.kill();
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), received: sorted.length };
}

async function benchTransport(name, open, { remoteDir } = {}) {
  const transport = await open();
  const topic = `bench.streams.${name.replace(/\W+/g, '-')}.${Date.now()}`;
  await transport.ensureTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
  const batch100 = await throughput(transport, topic, 100, { maxEvents: 50_000, maxMs: 8_000 });
  const batch1 = await throughput(transport, topic, 1, { maxEvents: 5_000, maxMs: 3_000 });
  const latTopic = `${topic}.latency`;
  await transport.ensureTopic({ name: latTopic, partitions: PARTITIONS, replicationFactor: 1 });
  const pollerTransport = await open();
  const local = await latency(transport, latTopic, pollerTransport);
  await pollerTransport.close();
  const rows = [{ name, batch100, batch1, ...local }];
  if (remoteDir) {
    const remoteTopic = `${topic}.remote`;
    await transport.ensureTopic({ name: remoteTopic, partitions: PARTITIONS, replicationFactor: 1 });
    rows.push({ name: `${name}, poller in another process`, ...(await latency(transport, remoteTopic, null, { remote: remoteDir })) });
  }
  await transport.deleteTopic(topic);
  await transport.deleteTopic(latTopic);
  await transport.close();
  return rows;
}

async function remotePoller(dir, topic) {
  const log = await openEmbeddedLog(dir);
  const write = (body, arrived) => process.stdout.write(`${JSON.stringify({ body, arrived })}\n`);
  await poll(log, 'bench-remote', topic, write, { done: false });
}

const fmt = (n, digits = 0) => (n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits }));

async function main() {
  if (process.argv[2] === '--remote-poller') return remotePoller(process.argv[3], process.argv[4]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-streams-'));
  const rows = [];
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
  try {
    rows.push(...(await benchTransport('embedded log', () => openEmbeddedLog(dir), { remoteDir: dir })));
    try {
      const probe = createKafkaTransport({ brokers, retries: 1 });
      await probe.listTopics();
      await probe.close();
      rows.push(...(await benchTransport('kafkajs → broker', async () => createKafkaTransport({ brokers }))));
    } catch (error) {
      rows.push({ name: `kafkajs → ${brokers.join(',')}: not measured (${error.message})` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const lines = [
    `Stream transports — ${os.cpus().length} cores, Node ${process.version}, ${VALUE_BYTES}-byte events over ${KEYS} keys, ${PARTITIONS} partitions`,
    '',
    '| transport | produce ev/s (batch 100) | produce ev/s (batch 1) | e2e p50 ms | e2e p99 ms | latency samples |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.batch100)} | ${fmt(r.batch1)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.received)} |`),
    '',
    `e2e = produce() call → a consumer-group poller holds the event, at ${1000 / LATENCY_INTERVAL_MS} events/s.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
