import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BatchResult,
  failedItems,
  type LoadedHandler,
  lambdaContext,
  loadHandler,
  type MskEvent,
  mskEvent,
} from './handler-harness.js';

type FirehoseModule = typeof import('@aws-sdk/client-firehose');

const TOPIC = 'mesh.interactions.listens.v1';
const T0 = 1_714_557_600; // 2024-05-01T10:00:00Z

function listen(n: number, overrides: Record<string, unknown> = {}) {
  return {
    event_id: `e${n}`,
    user_id: 'u0001',
    item_id: 's0001',
    content_type: 'song',
    event_type: 'play',
    session_id: 'sess-a',
    timestamp: T0 + n,
    ...overrides,
  };
}

describe('analytics-ingestor', () => {
  let loaded: LoadedHandler<MskEvent, BatchResult>;
  let sdk: FirehoseModule;
  let firehose: AwsClientStub<import('@aws-sdk/client-firehose').FirehoseClient>;

  beforeAll(async () => {
    loaded = await loadHandler('analytics-ingestor');
    sdk = loaded.sdk('@aws-sdk/client-firehose') as FirehoseModule;
    firehose = mockClient(sdk.FirehoseClient);
  });
  afterAll(() => {
    firehose.restore();
    loaded.dispose();
  });
  beforeEach(() => {
    firehose.reset();
    firehose.on(sdk.PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => ({
      FailedPutCount: 0,
      Encrypted: false,
      RequestResponses: input.Records.map((_, i) => ({ RecordId: `r${i}` })),
    }));
    process.env.FIREHOSE_STREAM_NAME = 'music-listens';
    delete process.env.PLAY_EVENT_TYPES;
  });

  const calls = () => firehose.commandCalls(sdk.PutRecordBatchCommand).map((c) => c.args[0].input);
  const lines = (input: { Records?: { Data?: Uint8Array }[] }) =>
    (input.Records ?? []).map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));

  it('sends one JSON line per play, bucketed by minute, to the named stream', async () => {
    const records = [
      { topic: TOPIC, partition: 0, offset: 1, value: listen(1) },
      { topic: TOPIC, partition: 0, offset: 2, value: listen(75, { item_id: 'p0002', content_type: 'podcast' }) },
      { topic: TOPIC, partition: 1, offset: 3, value: listen(3, { event_type: 'skip' }) },
      { topic: TOPIC, partition: 1, offset: 4, value: listen(4, { event_type: 'like' }) },
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(calls()).toHaveLength(1);
    expect(calls()[0]?.DeliveryStreamName).toBe('music-listens');
    expect(lines(calls()[0] ?? {})).toEqual([
      '{"event_id":"e1","item_id":"s0001","content_type":"song","minute":"2024-05-01T10:00:00Z","timestamp":1714557601}\n',
      '{"event_id":"e75","item_id":"p0002","content_type":"podcast","minute":"2024-05-01T10:01:00Z","timestamp":1714557675}\n',
    ]);
  });

  it('counts the event types named in PLAY_EVENT_TYPES', async () => {
    process.env.PLAY_EVENT_TYPES = 'play, like';
    await loaded.handler(
      mskEvent([
        { topic: TOPIC, partition: 0, offset: 1, value: listen(1) },
        { topic: TOPIC, partition: 0, offset: 2, value: listen(2, { event_type: 'like' }) },
        { topic: TOPIC, partition: 0, offset: 3, value: listen(3, { event_type: 'skip' }) },
      ]),
      lambdaContext,
    );
    expect(lines(calls()[0] ?? {}).map((l) => JSON.parse(l).event_id)).toEqual(['e1', 'e2']);
  });

  it('sends an event id once per batch; a redelivery sends the same lines (the store counts distinct event ids)', async () => {
    const records = [
      { topic: TOPIC, partition: 0, offset: 1, value: listen(1) },
      { topic: TOPIC, partition: 0, offset: 2, value: listen(1) },
    ];
    await loaded.handler(mskEvent(records), lambdaContext);
    const first = calls();
    expect(first.flatMap(lines)).toHaveLength(1);
    firehose.resetHistory();
    await loaded.handler(mskEvent(records), lambdaContext);
    expect(calls().flatMap(lines)).toEqual(first.flatMap(lines));
  });

  it('re-sends only the records Firehose rejected (FailedPutCount), then succeeds', async () => {
    let attempt = 0;
    firehose.on(sdk.PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => {
      attempt++;
      if (attempt === 1) {
        return {
          FailedPutCount: 2,
          RequestResponses: input.Records.map((_, i) =>
            i === 1 || i === 3 ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: `r${i}` },
          ),
        };
      }
      return { FailedPutCount: 0, RequestResponses: input.Records.map((_, i) => ({ RecordId: `again${i}` })) };
    });
    const records = Array.from({ length: 5 }, (_, i) => ({ topic: TOPIC, partition: 0, offset: 10 + i, value: listen(i) }));
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(result).toEqual({ batchItemFailures: [] });
    const sent = calls().map((c) => lines(c).map((l) => JSON.parse(l).event_id));
    expect(sent).toEqual([
      ['e0', 'e1', 'e2', 'e3', 'e4'],
      ['e1', 'e3'],
    ]);
  });

  it('reports records Firehose keeps rejecting, and those it cannot decode, as batch item failures', async () => {
    firehose.on(sdk.PutRecordBatchCommand).callsFake((input: { Records: { Data: Uint8Array }[] }) => ({
      FailedPutCount: 1,
      RequestResponses: input.Records.map((r, i) =>
        Buffer.from(r.Data).toString().includes('"e2"') ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { RecordId: `r${i}` },
      ),
    }));
    const records = [
      { topic: TOPIC, partition: 0, offset: 1, value: listen(1) },
      { topic: TOPIC, partition: 0, offset: 2, value: listen(2) },
      { topic: TOPIC, partition: 4, offset: 8, value: '{"event_id": "e9"' },
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(failedItems(result)).toEqual([`${TOPIC}-0@2`, `${TOPIC}-4@8`]);
    // First call with both, then three more attempts with the rejected one only.
    expect(calls().map((c) => c.Records?.length)).toEqual([2, 1, 1, 1]);
  });

  it('reports the whole call when PutRecordBatch itself fails', async () => {
    firehose.on(sdk.PutRecordBatchCommand).rejects(Object.assign(new Error('no such stream'), { name: 'ResourceNotFoundException' }));
    const result = await loaded.handler(mskEvent([{ topic: TOPIC, partition: 0, offset: 1, value: listen(1) }]), lambdaContext);
    expect(failedItems(result)).toEqual([`${TOPIC}-0@1`]);
  });
});
