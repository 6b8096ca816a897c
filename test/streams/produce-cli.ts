// Helpers for the `mesh events produce` child-process tests: a workspace on disk (the example's interactions domain
// alone), big JSON-lines files, the CLI as a child process (dist/, so run `npm run build` first) and a read-back of
// the topic.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import { openEmbeddedLog } from '../../src/streams/transport/embedded-log.js';
import { createKafkaTransport } from '../../src/streams/transport/kafka-transport.js';
import type { StreamTransport } from '../../src/streams/transport/stream-transport.js';
import { loadWorkspace } from '../../src/workspace/load.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'templates/examples/music-streaming');
const BIN = path.join(ROOT, 'bin/mesh.cjs');
const PRODUCT_FILE = 'domains/interactions/products/interactions.odcs.yaml';

export interface ProduceWorkspace {
  readonly root: string;
  readonly topic: string;
  readonly localDir: string;
  readonly brokers?: string[];
}

export interface WorkspaceOptions {
  /** Kafka brokers: the mesh streams to them, with a topic name of its own. Default: the embedded log. */
  readonly brokers?: string[];
  /** Name `event_id` as the stream port's eventId (default: ids are hashes of the lines). */
  readonly eventIdField?: boolean;
  /** Called with the workspace folder before anything is published (e.g. to mount a file system on .mesh/local). */
  readonly beforePublish?: (root: string) => void;
}

/** The example's interactions domain alone, published on the local target. */
export async function produceWorkspace(options: WorkspaceOptions = {}): Promise<ProduceWorkspace> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-produce-'));
  cpSync(EXAMPLE, root, { recursive: true });
  mkdirSync(path.join(root, 'domains/interactions/data'), { recursive: true });
  writeFileSync(
    path.join(root, 'domains/interactions/data/interactions.csv'),
    'event_id,user_id,item_id,content_type,event_type,session_id,timestamp\n',
  );
  const meshFile = path.join(root, 'mesh.yaml');
  let mesh = readFileSync(meshFile, 'utf8').replace(/^domains:[\s\S]*$/m, 'domains:\n  - domains/interactions\n');
  if (options.brokers) {
    mesh = mesh.replace(/^streaming:\n {2}kind: embedded$/m, `streaming:\n  kind: kafka\n  brokers: [${options.brokers.join(', ')}]`);
  }
  writeFileSync(meshFile, mesh);
  const productFile = path.join(root, PRODUCT_FILE);
  let contract = readFileSync(productFile, 'utf8');
  // A topic of its own on the shared broker: mesh.interactions.listens-<random>.v1.
  if (options.brokers) {
    contract = contract
      .replace(/^( +)entity: listens$/m, `$1entity: listens-${randomBytes(4).toString('hex')}`)
      .replace(/^( +)replicationFactor: 3$/m, '$1replicationFactor: 1'); // the test broker is one broker
  }
  // The example names eventId: event_id; without the option the ids are hashes of the lines.
  contract = contract.replace(/^ +# The field that identifies an event.*\n/m, '').replace(/^ +eventId: .*\n/m, '');
  if (options.eventIdField) contract = contract.replace(/^( +)keyField: user_id$/m, '$1keyField: user_id\n$1eventId: event_id');
  writeFileSync(productFile, contract);
  options.beforePublish?.(root);
  const workspace = await loadWorkspace(root, {});
  const port = workspace.products.find((p) => p.name === 'interactions')?.stream;
  if (!port) throw new Error('the example has no interactions stream port');
  if (options.eventIdField && port.eventId !== 'event_id') throw new Error('eventId was not read from the contract');
  await runPlanes({
    workspace,
    target: 'local',
    signal: new AbortController().signal,
    scope: { include: { publish: true, subscriptions: false } },
    factories: [createStreamsPlane],
  });
  return { root, topic: port.topic, localDir: workspace.mesh.localDir, ...(options.brokers ? { brokers: options.brokers } : {}) };
}

export const listenLine = (i: number) =>
  JSON.stringify({
    event_id: `e${i}`,
    user_id: `u${i % 97}`,
    item_id: `song-${i % 1000}`,
    content_type: 'song',
    event_type: 'play',
    session_id: `s${i % 13}`,
    timestamp: 1_700_000_000 + i,
  });

/** A JSON-lines file of `count` distinct listens (event_id e0 … e<count-1>). */
export function writeListens(root: string, name: string, count: number): string {
  const file = path.join(root, name);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(listenLine(i));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface MeshChild {
  readonly process: ChildProcess;
  /** Resolves with the first stderr line matching `pattern` (rejects if the process exits first). */
  waitForLine(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `mesh --cwd <root> …args` as a child process, stdout and stderr piped (not a TTY). */
export function spawnMesh(root: string, args: readonly string[]): MeshChild {
  const child = spawn(process.execPath, [BIN, '--cwd', root, '--no-color', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const watcher of [...watchers]) {
      const line = stderr.split('\n').find((l) => watcher.pattern.test(l));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    process: child,
    exited,
    waitForLine: (pattern) =>
      Promise.race([
        new Promise<string>((resolve) => watchers.push({ pattern, resolve })),
        exited.then(({ code, signal }) => {
          const line = stderr.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) return line;
          throw new Error(`mesh exited (${code ?? signal}) before printing ${pattern}:\n${stderr}`);
        }),
      ]),
  };
}

export async function runMesh(root: string, args: readonly string[]) {
  return spawnMesh(root, args).exited;
}

/** The transport the workspace streams to, for reading the topic back. */
export async function openTransport(ws: ProduceWorkspace): Promise<StreamTransport> {
  return ws.brokers ? createKafkaTransport({ brokers: ws.brokers, clientId: 'mesh-test-readback' }) : openEmbeddedLog(ws.localDir);
}

/** Every event on the topic, from the beginning: its event id header and its value (as text, base64 for Avro). */
export async function readTopic(ws: ProduceWorkspace): Promise<Array<{ id: string | undefined; value: string }>> {
  const transport = await openTransport(ws);
  try {
    const out: Array<{ id: string | undefined; value: string }> = [];
    for await (const record of transport.tail({ topic: ws.topic, from: 'beginning', stopAtEnd: true })) {
      out.push({ id: record.headers['mesh-event-id']?.toString('utf8'), value: record.value?.toString('base64') ?? '' });
    }
    return out;
  } finally {
    await transport.close();
  }
}
