// Workspace fixtures for the streams tests, built directly (no mesh.yaml on disk): one producer domain with a
// stream product, one consumer domain subscribing to it with a handler folder written here.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOutput, type Output } from '../../src/io/output.js';
import type { AccountAccess, Domain, Product, Streaming, StreamPort, StreamSubscription, Workspace } from '../../src/workspace/model.js';
import { topicName } from '../../src/workspace/naming.js';

export const LISTEN_SCHEMA = {
  type: 'record',
  name: 'ListenEvent',
  namespace: 'com.example.music',
  fields: [
    { name: 'userId', type: 'string' },
    { name: 'itemId', type: 'string' },
    { name: 'eventType', type: { type: 'enum', name: 'EventType', symbols: ['play', 'skip', 'like'] } },
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

/** A handler driven by env: appends each invocation to OUT_FILE; MODE fail-twice | poison | partial | ok. */
export const HANDLER_SOURCE = `
const fs = require('node:fs');
exports.handler = async (event, context) => {
  const mode = process.env.MODE || 'ok';
  const records = Object.entries(event.records).flatMap(([key, list]) => list.map((r) => ({ ...r, partitionKey: key })));
  const values = records.map((r) => JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')));
  fs.appendFileSync(process.env.OUT_FILE, JSON.stringify({ event, fn: context.functionName, mode, pid: process.pid }) + '\\n');
  if (mode === 'fail-twice') {
    const counter = process.env.OUT_FILE + '.count';
    const n = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
    fs.writeFileSync(counter, String(n + 1));
    if (n < 2) throw new Error('transient failure ' + (n + 1));
  }
  if (mode === 'poison' && values.some((v) => v.userId === 'poison')) throw new TypeError('cannot handle poison');
  if (mode === 'partial') {
    const bad = records.find((r, i) => values[i].userId === 'poison');
    if (bad) return { batchItemFailures: [{ itemIdentifier: { partition: bad.partitionKey, offset: bad.offset } }] };
  }
  return {};
};
`;

export interface FixtureOptions {
  readonly streaming?: Streaming;
  readonly target?: 'local' | 'aws';
  readonly partitions?: number;
  readonly encoding?: 'avro' | 'json';
  readonly subscription?: Partial<StreamSubscription>;
  readonly producerAccess?: AccountAccess;
  readonly consumerAccess?: AccountAccess;
  readonly centralAccess?: AccountAccess;
  readonly schema?: object;
  /** The test handler's MODE (ok | fail-twice | poison | partial). */
  readonly mode?: string;
}

export interface Fixture {
  readonly root: string;
  readonly workspace: Workspace;
  readonly product: Product;
  readonly consumer: Domain;
  readonly outFile: string;
  cleanup(): void;
}

const LOCAL_ACCESS: AccountAccess = { account: '111111111111', region: 'us-east-1' };

/** Unique names per fixture, so tests on the shared broker never see each other's topics. */
export function makeFixture(options: FixtureOptions = {}): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mesh-streams-'));
  const suffix = randomBytes(3).toString('hex');
  const meshName = `t${suffix}`;
  const handlerDir = path.join(root, 'domains', 'recommendations', 'handlers', 'listens');
  mkdirSync(handlerDir, { recursive: true });
  writeFileSync(path.join(handlerDir, 'index.js'), HANDLER_SOURCE);
  const schemaFile = path.join(root, 'domains', 'interactions', 'listen-events.avsc');
  mkdirSync(path.dirname(schemaFile), { recursive: true });
  const eventSchema = JSON.stringify(options.schema ?? LISTEN_SCHEMA, null, 2);
  writeFileSync(schemaFile, eventSchema);
  const outFile = path.join(root, 'out.jsonl');

  const mesh = {
    name: meshName,
    target: options.target ?? 'local',
    central: { ...(options.centralAccess ?? LOCAL_ACCESS), dataAccessRoleName: 'mesh-data-access' },
    streaming: options.streaming ?? { kind: 'embedded' as const },
    naming: {
      topicPattern: '{mesh}.{domain}.{entity}.v{major}',
      databasePattern: '{mesh}_{domain}',
      linkDatabasePattern: 'mesh_{domain}',
      consumerGroupPattern: '{mesh}.{consumer}.{product}',
    },
    requiredOwnerFields: ['team' as const],
    schemaRegistry: `${meshName}-events`,
    localDir: path.join(root, '.mesh', 'local'),
    aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
  };
  const topic = topicName(mesh, 'interactions', 'listen-events', 1);
  const port: StreamPort = {
    entity: 'listen-events',
    major: 1,
    topic,
    partitions: options.partitions ?? 3,
    replicationFactor: 1,
    retentionHours: 24,
    keyField: 'userId',
    eventSchemaFile: schemaFile,
    eventSchema,
    compatibility: 'BACKWARD',
    encoding: options.encoding ?? 'avro',
    configs: { 'cleanup.policy': 'delete' },
  };
  const owner = { team: 'music', contact: 'music@example.com' };
  const product: Product = {
    id: `urn:mesh:${meshName}:interactions:listen-events`,
    name: 'listen-events',
    domain: 'interactions',
    version: '1.0.0',
    status: 'active',
    description: 'Listens',
    owner,
    classification: 'internal',
    columns: [],
    stream: port,
    file: path.join(root, 'domains', 'interactions', 'listen-events.odcs.yaml'),
  };
  const stream: StreamSubscription = {
    function: 'listens-handler',
    handlerDir,
    handler: 'index.handler',
    startingPosition: 'TRIM_HORIZON',
    batchSize: 10,
    batchingWindowSeconds: 0,
    maximumRetryAttempts: 2,
    deadLetterTopic: `${topic}.dlq.recommendations`,
    permissions: [],
    ...options.subscription,
    environment: { OUT_FILE: outFile, MODE: options.mode ?? 'ok', ...options.subscription?.environment },
  };
  const producer: Domain = {
    name: 'interactions',
    kind: 'producer',
    owner,
    access: options.producerAccess ?? LOCAL_ACCESS,
    roleName: 'interactions-producer',
    dir: path.join(root, 'domains', 'interactions'),
    file: path.join(root, 'domains', 'interactions', 'domain.yaml'),
    subscriptions: [],
    transforms: [],
  };
  const consumer: Domain = {
    name: 'recommendations',
    kind: 'consumer',
    owner,
    access: options.consumerAccess ?? LOCAL_ACCESS,
    roleName: 'recommendations-consumer',
    dir: path.join(root, 'domains', 'recommendations'),
    file: path.join(root, 'domains', 'recommendations', 'domain.yaml'),
    subscriptions: [{ product: 'listen-events', stream }],
    transforms: [],
  };
  const workspace: Workspace = { root, meshFile: path.join(root, 'mesh.yaml'), mesh, domains: [producer, consumer], products: [product] };
  return { root, workspace, product, consumer, outFile, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A workspace with one product's stream port changed. */
export function withPort(fixture: Fixture, change: Partial<StreamPort>): Workspace {
  const ws = fixture.workspace;
  return { ...ws, products: ws.products.map((p) => (p.stream ? { ...p, stream: { ...p.stream, ...change } } : p)) };
}

/** A workspace with the consumer's stream subscription changed. */
export function withSubscription(fixture: Fixture, change: Partial<StreamSubscription>): Workspace {
  const ws = fixture.workspace;
  return {
    ...ws,
    domains: ws.domains.map((d) =>
      d.name === 'recommendations'
        ? { ...d, subscriptions: d.subscriptions.map((s) => (s.stream ? { ...s, stream: { ...s.stream, ...change } } : s)) }
        : d,
    ),
  };
}

/** An Output that records what it printed. */
export function recordingOutput(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const sink = (into: string[]) =>
    ({
      write: (chunk: string) => {
        into.push(String(chunk));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  return Object.assign(createOutput({ json, stdout: sink(stdout), stderr: sink(stderr) }), { stdout, stderr });
}

export function listenEvent(userId: string, i: number, eventType = 'play'): Record<string, unknown> {
  return { userId, itemId: `song-${i}`, eventType, timestamp: 1_700_000_000_000 + i };
}

export function jsonLines(events: readonly unknown[]): string {
  return `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
}
