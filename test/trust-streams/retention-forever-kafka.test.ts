// `retentionHours: -1` ("keep events forever", as the product schema documents it) became retention.ms=-3600000, which
// Kafka refuses: publishing such a product failed on a real broker (and on MSK). It must be Kafka's own -1, for the
// product's topic and for the dead-letter topics that copy its retention.
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanes } from '../../src/engine/run.js';
import { createStreamsPlane } from '../../src/streams/plane.js';
import { deadLetterTopicSpec, topicSpecOf } from '../../src/streams/topics/topic-spec.js';
import { makeFixture, withPort } from '../streams/fixtures.js';
import { kafkaBrokers, testKafka } from '../support/kafka.js';

const fixture = makeFixture({ streaming: { kind: 'kafka', brokers: kafkaBrokers() }, partitions: 1 });
const forever = withPort(fixture, { retentionHours: -1 });
const topic = fixture.product.stream?.topic ?? '';
let admin: Admin;

beforeAll(async () => {
  admin = testKafka('retention-forever').admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  fixture.cleanup();
});

describe('retentionHours: -1 (keep forever)', () => {
  it('is retention.ms -1 in the topic spec and in the dead-letter topic that copies it', () => {
    const port = forever.products[0]?.stream;
    if (!port) throw new Error('fixture: no stream port');
    expect(topicSpecOf(port).configs['retention.ms']).toBe('-1');
    expect(deadLetterTopicSpec(`${topic}.dlq.recommendations`, topicSpecOf(port)).configs['retention.ms']).toBe('-1');
  });

  it('publishes on a real Kafka broker, which keeps the topic with retention.ms -1', async () => {
    const { applied } = await runPlanes({
      workspace: forever,
      target: 'local',
      signal: new AbortController().signal,
      scope: { products: ['listen-events'], include: { publish: true, subscriptions: false } },
      factories: [createStreamsPlane],
    });
    expect(applied).toBe(true);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
    });
    expect(described.resources[0]?.configEntries.map((e) => `${e.configName}=${e.configValue}`)).toEqual(['retention.ms=-1']);
  });
});
