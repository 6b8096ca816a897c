// publish-product on a mesh whose streaming names Kafka brokers: the topic on the real broker, read back with
// kafkajs admin; more partitions applied as an update; fewer refused.
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import type { Workspace } from '../../src/workspace/model.js';
import { kafkaBrokers, testKafka } from '../support/kafka.js';
import { makeFixture, withPort } from './fixtures.js';

const fixture = makeFixture({ streaming: { kind: 'kafka', brokers: kafkaBrokers() }, partitions: 2 });
const topic = fixture.product.stream?.topic ?? '';
let admin: Admin;

beforeAll(async () => {
  admin = testKafka('topics-kafka').admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  fixture.cleanup();
});

const publish = (workspace: Workspace) =>
  runPlanes({
    workspace,
    target: 'local',
    signal: new AbortController().signal,
    scope: { products: ['listen-events'], include: { publish: true, subscriptions: false } },
    factories: [createStreamsPlane],
  });

async function configsOf(name: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name, configNames: ['retention.ms', 'cleanup.policy'] }],
  });
  return Object.fromEntries((described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
}

describe('topics on the Kafka broker', () => {
  it('are created with the partitions and configs of the stream port', async () => {
    const { plan } = await publish(fixture.workspace);
    expect(plan.changes.map((c) => `${c.action} ${c.ref.type}`)).toEqual(['create topic', 'create schema']);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(2);
    expect(meta.topics[0]?.partitions[0]?.replicas).toHaveLength(1);
    expect(await configsOf(topic)).toEqual({ 'retention.ms': '86400000', 'cleanup.policy': 'delete' });
  });

  it('get more partitions and a new retention as an update, and are never shrunk', async () => {
    const { plan } = await publish(withPort(fixture, { partitions: 4, retentionHours: 2 }));
    expect(plan.changes[0]).toMatchObject({ action: 'update', reason: 'partitions 2 → 4, retention.ms 86400000 → 7200000' });
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions).toHaveLength(4);
    expect(await configsOf(topic)).toEqual({ 'retention.ms': '7200000', 'cleanup.policy': 'delete' });
    await expect(publish(withPort(fixture, { partitions: 3, retentionHours: 2 }))).rejects.toMatchObject({ code: 'PartitionDecrease' });
    expect((await publish(withPort(fixture, { partitions: 4, retentionHours: 2 }))).plan.changes.map((c) => c.action)).toEqual([
      'noop',
      'noop',
    ]);
  });
});
