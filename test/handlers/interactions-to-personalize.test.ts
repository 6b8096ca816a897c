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

const TOPIC = 'mesh.interactions.listens.v1';
const T0 = 1_714_557_600; // 2024-05-01T10:00:00Z

function listen(n: number, overrides: Record<string, unknown> = {}) {
  return {
    event_id: `e${n}`,
    user_id: 'u0001',
    item_id: `s${String(n).padStart(4, '0')}`,
    content_type: 'song',
    event_type: 'play',
    session_id: 'sess-a',
    timestamp: T0 + n,
    ...overrides,
  };
}

describe('interactions-to-personalize', () => {
  let loaded: LoadedHandler<MskEvent, BatchResult>;
  // The client classes the bundle itself loads (CommonJS), so the mock intercepts its calls.
  let sdk: typeof import('@aws-sdk/client-personalize-events');
  let personalize: AwsClientStub<import('@aws-sdk/client-personalize-events').PersonalizeEventsClient>;

  beforeAll(async () => {
    loaded = await loadHandler('interactions-to-personalize');
    sdk = loaded.sdk('@aws-sdk/client-personalize-events') as typeof import('@aws-sdk/client-personalize-events');
    personalize = mockClient(sdk.PersonalizeEventsClient);
  });
  afterAll(() => {
    personalize.restore();
    loaded.dispose();
  });
  beforeEach(() => {
    personalize.reset();
    personalize.on(sdk.PutEventsCommand).resolves({});
    process.env.PERSONALIZE_TRACKING_ID = 'tracking-123';
  });

  const putEventsInputs = () => personalize.commandCalls(sdk.PutEventsCommand).map((c) => c.args[0].input);

  it('sends PutEvents per user and session, at most 10 events per call, with the exact fields', async () => {
    const records = [
      ...Array.from({ length: 12 }, (_, i) => ({ topic: TOPIC, partition: 0, offset: 100 + i, value: listen(i) })),
      {
        topic: TOPIC,
        partition: 1,
        offset: 7,
        value: listen(50, { user_id: 'u0002', session_id: 'sess-b', content_type: 'podcast', item_id: 'p0003', event_type: 'like' }),
      },
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(result).toEqual({ batchItemFailures: [] });
    const calls = putEventsInputs();
    expect(calls.map((c) => [c.userId, c.sessionId, c.eventList?.length])).toEqual([
      ['u0001', 'sess-a', 10],
      ['u0001', 'sess-a', 2],
      ['u0002', 'sess-b', 1],
    ]);
    expect(calls[2]).toEqual({
      trackingId: 'tracking-123',
      userId: 'u0002',
      sessionId: 'sess-b',
      eventList: [
        { eventId: 'e50', eventType: 'like', itemId: 'p0003', sentAt: new Date((T0 + 50) * 1000), properties: '{"contentType":"podcast"}' },
      ],
    });
    expect(calls[0]?.eventList?.[0]).toEqual({
      eventId: 'e0',
      eventType: 'play',
      itemId: 's0000',
      sentAt: new Date(T0 * 1000),
      properties: '{"contentType":"song"}',
    });
    // Every event is sent once, in order.
    expect(calls.flatMap((c) => c.eventList?.map((e) => e.eventId))).toEqual([...Array.from({ length: 12 }, (_, i) => `e${i}`), 'e50']);
  });

  it('is idempotent: a redelivered batch carries the same event ids, and a repeat inside a batch is sent once', async () => {
    const records = [
      { topic: TOPIC, partition: 0, offset: 1, value: listen(1) },
      { topic: TOPIC, partition: 0, offset: 2, value: listen(2) },
      { topic: TOPIC, partition: 0, offset: 3, value: listen(1) }, // the producer sent e1 twice
    ];
    await loaded.handler(mskEvent(records), lambdaContext);
    const first = putEventsInputs();
    expect(first.flatMap((c) => c.eventList?.map((e) => e.eventId))).toEqual(['e1', 'e2']);

    personalize.resetHistory();
    await loaded.handler(mskEvent(records), lambdaContext); // Lambda redelivers the batch
    expect(putEventsInputs()).toEqual(first);

    // What Personalize keeps: the first event per event id, so the redelivery adds nothing.
    const kept = new Set([...first, ...putEventsInputs()].flatMap((c) => c.eventList?.map((e) => e.eventId)));
    expect(kept.size).toBe(2);
  });

  it('reports the records of a failed call and undecodable records as batch item failures', async () => {
    personalize
      .on(sdk.PutEventsCommand, { sessionId: 'sess-b' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const records = [
      { topic: TOPIC, partition: 0, offset: 10, value: listen(1) },
      { topic: TOPIC, partition: 2, offset: 20, value: listen(2, { user_id: 'u0009', session_id: 'sess-b' }) },
      { topic: TOPIC, partition: 2, offset: 21, value: listen(3, { user_id: 'u0009', session_id: 'sess-b' }) },
      { topic: TOPIC, partition: 3, offset: 30, value: 'not json' },
      { topic: TOPIC, partition: 3, offset: 31, value: listen(4, { content_type: 'audiobook' }) },
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(result.batchItemFailures[0]).toEqual({ itemIdentifier: { 'topic-partition': `${TOPIC}-2`, offset: 20 } });
    expect(failedItems(result)).toEqual([`${TOPIC}-2@20`, `${TOPIC}-2@21`, `${TOPIC}-3@30`, `${TOPIC}-3@31`]);
    // The good session still went through.
    expect(
      putEventsInputs()
        .find((c) => c.sessionId === 'sess-a')
        ?.eventList?.map((e) => e.eventId),
    ).toEqual(['e1']);
  });

  it('fails the whole invocation when the tracking id is missing, so nothing is lost', async () => {
    delete process.env.PERSONALIZE_TRACKING_ID;
    await expect(loaded.handler(mskEvent([{ topic: TOPIC, partition: 0, offset: 1, value: listen(1) }]), lambdaContext)).rejects.toThrow(
      /PERSONALIZE_TRACKING_ID is not set/,
    );
    expect(putEventsInputs()).toEqual([]);
  });
});
