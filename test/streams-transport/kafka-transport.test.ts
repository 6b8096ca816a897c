// Kafka-transport specifics that the shared contract does not cover.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaTransport } from '../../src/streams/transport/kafka-transport.js';
import { kafkaBrokers } from '../support/kafka.js';
import { bundleTransport } from './bundle-transport.js';
import { fetchSome, uniqueName } from './transport-contract.js';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'mesh-streams-kafka-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('kafka transport', () => {
  it('loads neither kafkajs nor better-sqlite3 until a transport is used (the CLI stays fast for --help)', async () => {
    const bundle = await bundleTransport(workDir);
    const script = path.join(workDir, 'lazy.mjs');
    await writeFile(
      script,
      `import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules\\/(kafkajs|better-sqlite3|aws-msk-iam-sasl-signer-js)\\//.test(f)).length;
const m = await import(${JSON.stringify(bundle)});
const before = loaded();
m.createKafkaTransport({ brokers: ['127.0.0.1:1'], mskIam: { region: 'us-east-1' } });
const afterCreate = loaded();
await m.createKafkaTransport({ brokers: ['127.0.0.1:1'], retries: 0 }).listTopics().catch(() => {});
console.log(JSON.stringify({ before, afterCreate, afterUse: loaded() }));`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const counts = JSON.parse(run.stdout) as { before: number; afterCreate: number; afterUse: number };
    expect(counts.before).toBe(0);
    expect(counts.afterCreate).toBe(0);
    expect(counts.afterUse).toBeGreaterThan(0); // the probe itself works: kafkajs shows up once used
  });

  it('says which brokers it cannot reach, with a hint', async () => {
    const t = createKafkaTransport({ brokers: ['127.0.0.1:1'], retries: 0, connectionTimeoutMs: 500 });
    await expect(t.listTopics()).rejects.toMatchObject({
      name: 'MeshError',
      code: 'KafkaUnreachable',
      message: expect.stringContaining('127.0.0.1:1'),
      hint: expect.stringContaining('bootstrap brokers'),
    });
    await t.close();
  });

  it('refuses a second topic for one consumer group in one process (one group per topic, like an ESM)', async () => {
    const t = createKafkaTransport({ brokers: kafkaBrokers() });
    const [a, b] = [uniqueName('group-a'), uniqueName('group-b')];
    for (const name of [a, b]) await t.ensureTopic({ name, partitions: 1, replicationFactor: 1 });
    await t.produce(a, [{ key: null, value: Buffer.from('x') }]);
    expect(await fetchSome(t, { group: 'g-one-topic', topic: a, fromBeginning: true }, 8_000)).toHaveLength(1);
    await expect(t.fetch({ group: 'g-one-topic', topic: b })).rejects.toMatchObject({ code: 'GroupTopicMismatch' });
    await t.close();
  });

  it('maps a replication factor the cluster cannot meet to a readable error', async () => {
    const t = createKafkaTransport({ brokers: kafkaBrokers() });
    await expect(t.ensureTopic({ name: uniqueName('rf'), partitions: 1, replicationFactor: 3 })).rejects.toMatchObject({
      code: 'TopicReplicationInvalid',
      hint: expect.stringContaining('number of brokers'),
    });
    await t.close();
  });
});
