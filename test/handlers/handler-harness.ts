/**
 * Runs a handler template the way Lambda (and the local runner) would: bundled by mesh's own bundler into one
 * CommonJS file, loaded with `require`, and invoked with an MSK-shaped event. The bundle keeps `@aws-sdk/*`
 * external, so the test mocks the very client classes the bundle loads (required from the same place).
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHandler, resolveHandlerEntry } from '../../src/streams/functions/handler-bundle.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HANDLERS_DIR = path.join(REPO_ROOT, 'templates', 'handlers');

/** Powertools' Kafka utility loads these lazily for Avro/Protobuf only; the JSON path never requires them. */
export const HANDLER_EXTERNALS = ['@aws-sdk/*', 'avro-js', 'protobufjs'];

export interface LoadedHandler<Event, Result> {
  readonly handler: (event: Event, context: unknown) => Promise<Result>;
  /** `require` from the bundle's folder: `sdk('@aws-sdk/client-firehose')` is the module the bundle uses. */
  readonly sdk: NodeJS.Require;
  readonly bundleBytes: number;
  dispose(): void;
}

export async function loadHandler<Event, Result>(name: string): Promise<LoadedHandler<Event, Result>> {
  const handlerDir = path.join(HANDLERS_DIR, name);
  const entry = resolveHandlerEntry(handlerDir, 'index.handler');
  const code = await buildHandler({ handlerDir, entry, external: HANDLER_EXTERNALS });
  const dir = mkdtempSync(path.join(os.tmpdir(), `mesh-handler-${name}-`));
  // The local runner puts mesh's node_modules on NODE_PATH; a link does the same for this one folder.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, 'index.cjs');
  writeFileSync(file, code);
  const sdk = createRequire(file);
  const mod = sdk(file) as { handler?: (event: Event, context: unknown) => Promise<Result> };
  if (typeof mod.handler !== 'function') throw new Error(`${name}: the bundle exports no handler`);
  return { handler: mod.handler, sdk, bundleBytes: code.byteLength, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface KafkaTestRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Encoded as JSON text unless it is a string (then used as the raw text). */
  readonly value: unknown;
  readonly key?: string;
}

/** The event Lambda delivers from MSK: records grouped by `topic-partition`, key and value base64. */
export function mskEvent(records: readonly KafkaTestRecord[]) {
  const grouped: Record<string, unknown[]> = {};
  for (const r of records) {
    const text = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
    const key = `${r.topic}-${r.partition}`;
    const list = grouped[key] ?? [];
    grouped[key] = list;
    list.push({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: 1_714_557_600_000 + r.offset,
      timestampType: 'CREATE_TIME',
      ...(r.key !== undefined ? { key: Buffer.from(r.key).toString('base64') } : {}),
      value: Buffer.from(text).toString('base64'),
      headers: [{ 'content-type': [...Buffer.from('application/json')] }],
    });
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:111122223333:cluster/mesh/abcd1234-ab12-cd34-ef56-abcdef123456-1',
    bootstrapServers: 'b-1.mesh.abc123.c2.kafka.us-east-1.amazonaws.com:9098',
    records: grouped,
  };
}

export type MskEvent = ReturnType<typeof mskEvent>;

export interface BatchResult {
  batchItemFailures: { itemIdentifier: { 'topic-partition': string; offset: number } }[];
}

export const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
};

/** The batch item failures as `topic-partition@offset` strings, sorted, for compact assertions. */
export function failedItems(result: BatchResult): string[] {
  return result.batchItemFailures.map((f) => `${f.itemIdentifier['topic-partition']}@${f.itemIdentifier.offset}`).sort();
}
