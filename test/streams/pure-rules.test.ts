// Pure rules of the streams plane: topic comparison, the MSK event shape and partial batch responses, the execution
// role policy, deterministic handler packages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executionRolePolicy } from '../../src/streams/functions/aws/execution-role-policy.js';
import { kafkaDestination, mskArns } from '../../src/streams/functions/function-naming.js';
import { codeSha256, packageHandler } from '../../src/streams/functions/handler-bundle.js';
import { capBatches, readBatchResponse, toMskEvent } from '../../src/streams/local-runner/msk-event.js';
import { parseKafkaVersion, supportsTopicApi } from '../../src/streams/topics/aws/msk-cluster.js';
import { decodeTopicConfigs, encodeTopicConfigs } from '../../src/streams/topics/aws/msk-topic-admin.js';
import { compareTopic, topicPatternRegex } from '../../src/streams/topics/topic-spec.js';
import type { PartitionBatch } from '../../src/streams/transport/index.js';

const topic = { name: 't.v1', partitions: 3, replicationFactor: 3, configs: { 'retention.ms': '86400000' } };

describe('topic comparison', () => {
  it('plans more partitions and changed configs as an update, naming both', () => {
    const verdict = compareTopic({ ...topic, partitions: 6, configs: { 'retention.ms': '3600000' } }, topic);
    expect(verdict).toEqual({ action: 'update', reason: 'partitions 3 → 6, retention.ms 86400000 → 3600000' });
  });
  it('refuses fewer partitions with the counts and a way out', () => {
    expect(() => compareTopic({ ...topic, partitions: 2 }, topic)).toThrow(/has 3 partitions; the files ask for 2/);
  });
  it('plans a replication-factor change as a replace', () => {
    expect(compareTopic({ ...topic, replicationFactor: 2 }, topic).action).toBe('replace');
  });
  it('ignores configs the files do not set', () => {
    expect(compareTopic(topic, { ...topic, configs: { ...topic.configs, 'segment.ms': '100' } }).action).toBe('noop');
  });
  it('matches topic names made by the mesh pattern only', () => {
    const re = topicPatternRegex('{mesh}.{domain}.{entity}.v{major}', 'music');
    expect(re.test('music.interactions.listen-events.v1')).toBe(true);
    expect(re.test('music.interactions.listen-events.v1.dlq.recs')).toBe(false);
    expect(re.test('other.interactions.listen-events.v1')).toBe(false);
  });
  it('encodes MSK topic configs as base64 JSON and back', () => {
    const encoded = encodeTopicConfigs({ 'retention.ms': '1', 'cleanup.policy': 'delete' });
    expect(JSON.parse(Buffer.from(encoded, 'base64').toString())).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '1' });
    expect(decodeTopicConfigs(encoded)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '1' });
  });
  it('uses the MSK topic API on Provisioned clusters from Kafka 3.6', () => {
    const info = { clusterArn: 'x', state: 'ACTIVE', iamEnabled: true } as const;
    expect(parseKafkaVersion('3.9.x.kraft')).toEqual([3, 9]);
    expect(supportsTopicApi({ ...info, type: 'PROVISIONED', kafkaVersion: '3.6.0' })).toBe(true);
    expect(supportsTopicApi({ ...info, type: 'PROVISIONED', kafkaVersion: '4.0.x.kraft' })).toBe(true);
    expect(supportsTopicApi({ ...info, type: 'PROVISIONED', kafkaVersion: '3.5.1' })).toBe(false);
    expect(supportsTopicApi({ ...info, type: 'SERVERLESS' })).toBe(false);
  });
});

const batch = (partition: number, offsets: number[]): PartitionBatch => ({
  topic: 'mesh.a.b.v1',
  partition,
  records: offsets.map((offset) => ({
    topic: 'mesh.a.b.v1',
    partition,
    offset,
    timestamp: 1545084650987,
    key: offset === 16 ? null : Buffer.from('k'),
    value: Buffer.from('{"v":1}'),
    headers: { headerKey: Buffer.from('header') },
  })),
  nextOffset: (offsets.at(-1) ?? 0) + 1,
});

describe('the MSK event shape', () => {
  const event = toMskEvent([batch(0, [15, 16])], { eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/u', bootstrapServers: 'b-1:9098' });
  it('is what Lambda delivers from MSK', () => {
    expect(event).toEqual({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/u',
      bootstrapServers: 'b-1:9098',
      records: {
        'mesh.a.b.v1-0': [
          {
            topic: 'mesh.a.b.v1',
            partition: 0,
            offset: 15,
            timestamp: 1545084650987,
            timestampType: 'CREATE_TIME',
            key: 'aw==',
            value: Buffer.from('{"v":1}').toString('base64'),
            headers: [{ headerKey: [104, 101, 97, 100, 101, 114] }],
          },
          {
            topic: 'mesh.a.b.v1',
            partition: 0,
            offset: 16,
            timestamp: 1545084650987,
            timestampType: 'CREATE_TIME',
            value: Buffer.from('{"v":1}').toString('base64'),
            headers: [{ headerKey: [104, 101, 97, 100, 101, 114] }],
          },
        ],
      },
    });
  });
  it('reads partial batch responses: lowest reported offset per partition', () => {
    const outcome = readBatchResponse(
      {
        batchItemFailures: [
          { itemIdentifier: { partition: 'mesh.a.b.v1-0', offset: 16 } },
          { itemIdentifier: { partition: 'mesh.a.b.v1-0', offset: 15 } },
        ],
      },
      event,
    );
    expect(outcome.kind).toBe('partial');
    if (outcome.kind === 'partial') expect([...outcome.resumeAt]).toEqual([['mesh.a.b.v1-0', 15]]);
  });
  it('treats empty responses as success and unknown identifiers as a failed batch', () => {
    for (const ok of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }])
      expect(readBatchResponse(ok, event).kind).toBe('success');
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: { partition: 'mesh.a.b.v1-0', offset: 99 } }] }, event).kind).toBe(
      'invalid',
    );
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: '15' }] }, event).kind).toBe('invalid');
  });
  it('caps a fetch at the batch size, keeping contiguous offsets', () => {
    const capped = capBatches([batch(0, [1, 2, 3]), batch(1, [7, 8])], 4);
    expect(capped.map((b) => [b.partition, b.records.map((r) => r.offset), b.nextOffset])).toEqual([
      [0, [1, 2, 3], 4],
      [1, [7], 8],
    ]);
  });
});

describe('the execution role policy', () => {
  it('holds the MSK data-plane actions on exactly the cluster, topic, group and dead-letter topic', () => {
    const arns = mskArns('arn:aws:kafka:us-east-1:123456789012:cluster/music/abcd-1');
    const policy = executionRolePolicy({
      clusterArn: arns.cluster,
      topicArns: [arns.topic('music.interactions.listens.v1')],
      groupArns: [arns.group('music.recs.listens')],
      deadLetterTopicArns: [arns.topic('music.interactions.listens.v1.dlq.recs')],
      functionName: 'fn',
      region: 'us-east-1',
      account: '333333333333',
      permissions: [{ actions: ['personalize:PutEvents'], resources: ['*'] }],
    });
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.MskReadTopic?.Resource).toEqual(['arn:aws:kafka:us-east-1:123456789012:topic/music/abcd-1/music.interactions.listens.v1']);
    expect(bySid.MskConsumerGroup).toMatchObject({
      Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      Resource: ['arn:aws:kafka:us-east-1:123456789012:group/music/abcd-1/music.recs.listens'],
    });
    expect(bySid.MskDeadLetterTopic?.Action).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData']);
    expect(bySid.Declared1).toMatchObject({ Action: ['personalize:PutEvents'], Resource: ['*'] });
    expect(policy.Statement.flatMap((s) => s.Action).filter((a) => a.endsWith('*'))).toEqual([]);
    expect(kafkaDestination('dlq')).toBe('kafka://dlq');
  });

  it('lists a permission declared by several subscriptions of one function once', () => {
    const arns = mskArns('arn:aws:kafka:us-east-1:123456789012:cluster/music/abcd-1');
    const policy = executionRolePolicy({
      clusterArn: arns.cluster,
      topicArns: [arns.topic('songs'), arns.topic('podcasts')],
      groupArns: [arns.group('songs'), arns.group('podcasts')],
      deadLetterTopicArns: [],
      functionName: 'items-handler',
      region: 'us-east-1',
      account: '333333333333',
      permissions: [
        { actions: ['personalize:PutItems'], resources: ['*'] },
        { actions: ['personalize:PutItems'], resources: ['*'] },
        { actions: ['s3:GetObject', 'personalize:PutItems'], resources: ['*'] },
        { actions: ['personalize:PutItems', 's3:GetObject'], resources: ['*'] },
      ],
    });
    expect(policy.Statement.filter((s) => s.Sid.startsWith('Declared'))).toEqual([
      { Sid: 'Declared1', Effect: 'Allow', Action: ['personalize:PutItems'], Resource: ['*'] },
      { Sid: 'Declared2', Effect: 'Allow', Action: ['personalize:PutItems', 's3:GetObject'], Resource: ['*'] },
    ]);
  });
});

describe('handler packages', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-pkg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('are byte-identical across builds, with the AWS SDK left external', async () => {
    writeFileSync(
      path.join(dir, 'index.ts'),
      "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => new S3Client({}) && 1;\n",
    );
    const first = await packageHandler(dir, 'index.handler');
    const second = await packageHandler(dir, 'index.handler');
    expect(second.codeSha256).toBe(first.codeSha256);
    expect(codeSha256(first.zip)).toBe(first.codeSha256);
    const { unzipSync } = await import('fflate');
    const files = unzipSync(first.zip);
    expect(Object.keys(files)).toEqual(['index.js']);
    const code = Buffer.from(files['index.js'] ?? new Uint8Array()).toString();
    expect(code).toContain('require("@aws-sdk/client-s3")');
    writeFileSync(path.join(dir, 'index.ts'), 'export const handler = async () => 2;\n');
    expect((await packageHandler(dir, 'index.handler')).codeSha256).not.toBe(first.codeSha256);
  });
  it('report a build error with the file and line', async () => {
    writeFileSync(path.join(dir, 'broken.ts'), 'export const handler = async () => {\n  return (;\n};\n');
    await expect(packageHandler(dir, 'broken.handler')).rejects.toMatchObject({ code: 'HandlerBuildFailed', location: { line: 2 } });
  });
  it('report a missing handler file', async () => {
    await expect(packageHandler(dir, 'nothere.handler')).rejects.toMatchObject({ code: 'HandlerNotFound' });
  });
});
