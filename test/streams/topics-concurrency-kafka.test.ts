// The example's stream products published on the real broker, 10 times in a row, each time on topics that are new
// (a fresh topic prefix), at the default apply concurrency: every run creates all topics with no failure (a broker's
// metadata lag after CreateTopics is not an error), and the topics hold the partitions the products declare.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { runInProcess } from '../cli/run-cli.js';
import { kafkaBrokers, testKafka } from '../support/kafka.js';

const RUNS = 10;
const base = mkdtempSync(path.join(os.tmpdir(), 'mesh-topics-concurrency-'));
const example = path.join(base, 'example');
const created: string[] = [];
let admin: Admin;

beforeAll(async () => {
  const init = await runInProcess(['init', '--example', 'music-streaming', '-C', example, '--json', '--yes']);
  if (init.code !== 0) throw new Error(`mesh init failed (${init.code}):\n${init.stdout}\n${init.stderr}`);
  // The test broker is a single node: replication factor 1 (the example declares 3, for MSK).
  const products = path.join(example, 'domains');
  for (const file of readdirSync(products, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.odcs.yaml'))) {
    const full = path.join(products, file);
    writeFileSync(full, readFileSync(full, 'utf8').replace(/replicationFactor: 3/g, 'replicationFactor: 1'));
  }
  admin = testKafka('topics-concurrency').admin();
  await admin.connect();
});

afterAll(async () => {
  if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
  await admin?.disconnect();
  rmSync(base, { recursive: true, force: true });
});

/** A copy of the example whose topics start with `prefix` and live on the test broker. */
function exampleWithPrefix(prefix: string): string {
  const root = path.join(base, prefix);
  cpSync(example, root, { recursive: true });
  const file = path.join(root, 'mesh.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.set('streaming', doc.createNode({ kind: 'kafka', brokers: kafkaBrokers() }));
  doc.setIn(['naming', 'topicPattern'], `${prefix}.{domain}.{entity}.v{major}`);
  writeFileSync(file, doc.toString());
  return root;
}

describe('publishing the example topics on new topics at the default concurrency', () => {
  it(`succeeds ${RUNS} times in a row, each topic with its declared partitions`, async () => {
    const stamp = Date.now().toString(36);
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const prefix = `cc${stamp}r${run}`;
      const workspace = await loadWorkspace(exampleWithPrefix(prefix));
      const expected = new Map<string, number>();
      for (const product of workspace.products) {
        if (product.stream) expected.set(product.stream.topic, product.stream.partitions);
      }
      created.push(...expected.keys());
      try {
        const { plan, applied } = await runPlanes({
          workspace,
          target: 'local',
          signal: new AbortController().signal,
          scope: { include: { publish: true, subscriptions: false } },
          factories: [createStreamsPlane],
        });
        expect(plan.changes.filter((c) => c.ref.type === 'topic' && c.action === 'create')).toHaveLength(expected.size);
        expect(applied).toBe(true);
      } catch (error) {
        failures.push(`run ${run + 1} (${prefix}): ${(error as Error).message}`);
        continue;
      }
      const metadata = await admin.fetchTopicMetadata({ topics: [...expected.keys()] });
      const actual = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
      expect(actual).toEqual(expected);
    }
    expect(failures).toEqual([]);
    expect(created.length).toBeGreaterThanOrEqual(RUNS * 4);
  });
});
