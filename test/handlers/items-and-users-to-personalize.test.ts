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

type PersonalizeEventsModule = typeof import('@aws-sdk/client-personalize-events');

const SONGS = 'mesh.songs.songs.v1';
const PODCASTS = 'mesh.podcasts.episodes.v1';
const USERS = 'mesh.users.users.v1';
const ITEMS_ARN = 'arn:aws:personalize:us-east-1:666666666666:dataset/music-recommendations/ITEMS';
const USERS_ARN = 'arn:aws:personalize:us-east-1:666666666666:dataset/music-recommendations/USERS';

function song(id: string, overrides: Record<string, unknown> = {}) {
  return {
    song_id: id,
    title: `Song ${id}`,
    artist: 'Artist',
    album: null,
    genre: 'jazz',
    duration_seconds: 200,
    release_year: 2019,
    explicit: false,
    ...overrides,
  };
}
function episode(id: string, overrides: Record<string, unknown> = {}) {
  return {
    episode_id: id,
    show_name: 'Show',
    episode_title: `Episode ${id}`,
    category: 'science',
    duration_seconds: 1800,
    published_ts: 1_700_000_000,
    ...overrides,
  };
}
function user(id: string, overrides: Record<string, unknown> = {}) {
  return {
    user_id: id,
    email: `${id}@example.com`,
    country: 'DE',
    birth_year: null,
    subscription_tier: 'premium',
    preferred_genre: null,
    signup_ts: 1_600_000_000,
    ...overrides,
  };
}

function parsedProperties(calls: { properties?: string }[]): unknown[] {
  return calls.map((c) => JSON.parse(c.properties ?? 'null'));
}

describe('items-to-personalize', () => {
  let loaded: LoadedHandler<MskEvent, BatchResult>;
  let sdk: PersonalizeEventsModule;
  let personalize: AwsClientStub<import('@aws-sdk/client-personalize-events').PersonalizeEventsClient>;

  beforeAll(async () => {
    loaded = await loadHandler('items-to-personalize');
    sdk = loaded.sdk('@aws-sdk/client-personalize-events') as PersonalizeEventsModule;
    personalize = mockClient(sdk.PersonalizeEventsClient);
  });
  afterAll(() => {
    personalize.restore();
    loaded.dispose();
  });
  beforeEach(() => {
    personalize.reset();
    personalize.on(sdk.PutItemsCommand).resolves({});
    process.env.PERSONALIZE_ITEMS_DATASET_ARN = ITEMS_ARN;
  });
  const putItems = () => personalize.commandCalls(sdk.PutItemsCommand).map((c) => c.args[0].input);

  it('maps songs and podcast episodes to the merged items schema, 10 per call', async () => {
    const records = [
      ...Array.from({ length: 11 }, (_, i) => ({ topic: SONGS, partition: 0, offset: i, value: song(`s${i}`) })),
      { topic: PODCASTS, partition: 0, offset: 4, value: episode('p0001') },
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(result).toEqual({ batchItemFailures: [] });
    const calls = putItems();
    expect(calls.map((c) => [c.datasetArn, c.items?.length])).toEqual([
      [ITEMS_ARN, 10],
      [ITEMS_ARN, 2],
    ]);
    const items = calls.flatMap((c) => c.items ?? []);
    expect(items[0]).toEqual({
      itemId: 's0',
      properties: JSON.stringify({ contentType: 'song', creationTimestamp: (2019 - 1970) * 31_556_952, genre: 'jazz' }),
    });
    expect(items.at(-1)?.itemId).toBe('p0001');
    expect(parsedProperties(items.slice(-1))).toEqual([{ contentType: 'podcast', creationTimestamp: 1_700_000_000, genre: 'science' }]);
  });

  it('sends the last version of an item once per batch, and the same put again on redelivery', async () => {
    const records = [
      { topic: SONGS, partition: 0, offset: 1, value: song('s1', { genre: 'pop' }) },
      { topic: SONGS, partition: 0, offset: 2, value: song('s1', { genre: 'rock' }) },
    ];
    await loaded.handler(mskEvent(records), lambdaContext);
    const first = putItems();
    expect(first).toHaveLength(1);
    expect(first[0]?.items?.map((i) => [i.itemId, JSON.parse(i.properties ?? '{}').genre])).toEqual([['s1', 'rock']]);

    personalize.resetHistory();
    await loaded.handler(mskEvent(records), lambdaContext);
    expect(putItems()).toEqual(first);
  });

  it('reports every record of a failed call, and events it cannot map', async () => {
    personalize.on(sdk.PutItemsCommand).rejects(Object.assign(new Error('dataset not active'), { name: 'ResourceInUseException' }));
    const records = [
      { topic: SONGS, partition: 1, offset: 5, value: song('s5') },
      { topic: SONGS, partition: 1, offset: 6, value: song('s5', { title: 'edited' }) },
      { topic: PODCASTS, partition: 0, offset: 9, value: { episode_id: 'p9' } }, // no category, no published_ts
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);
    expect(failedItems(result)).toEqual([`${PODCASTS}-0@9`, `${SONGS}-1@5`, `${SONGS}-1@6`]);
  });
});

describe('users-to-personalize', () => {
  let loaded: LoadedHandler<MskEvent, BatchResult>;
  let sdk: PersonalizeEventsModule;
  let personalize: AwsClientStub<import('@aws-sdk/client-personalize-events').PersonalizeEventsClient>;

  beforeAll(async () => {
    loaded = await loadHandler('users-to-personalize');
    sdk = loaded.sdk('@aws-sdk/client-personalize-events') as PersonalizeEventsModule;
    personalize = mockClient(sdk.PersonalizeEventsClient);
  });
  afterAll(() => {
    personalize.restore();
    loaded.dispose();
  });
  beforeEach(() => {
    personalize.reset();
    personalize.on(sdk.PutUsersCommand).resolves({});
    process.env.PERSONALIZE_USERS_DATASET_ARN = USERS_ARN;
  });
  const putUsers = () => personalize.commandCalls(sdk.PutUsersCommand).map((c) => c.args[0].input);

  it('sends PutUsers with the users schema fields only (no email), last version per user', async () => {
    const records = [
      { topic: USERS, partition: 0, offset: 1, value: user('u1') },
      { topic: USERS, partition: 0, offset: 2, value: user('u2', { country: 'BR', subscription_tier: 'free', preferred_genre: 'jazz' }) },
      { topic: USERS, partition: 0, offset: 3, value: user('u1', { subscription_tier: 'free' }) },
    ];
    const result = await loaded.handler(mskEvent(records), lambdaContext);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(putUsers()).toEqual([
      {
        datasetArn: USERS_ARN,
        users: [
          { userId: 'u1', properties: '{"country":"DE","subscriptionTier":"free"}' },
          { userId: 'u2', properties: '{"country":"BR","subscriptionTier":"free","preferredGenre":"jazz"}' },
        ],
      },
    ]);
    expect(JSON.stringify(putUsers())).not.toContain('@example.com');
  });

  it('reports the records of a failed call', async () => {
    personalize.on(sdk.PutUsersCommand).rejects(new Error('boom'));
    const result = await loaded.handler(
      mskEvent([
        { topic: USERS, partition: 2, offset: 40, value: user('u7') },
        { topic: USERS, partition: 2, offset: 41, value: user('u8') },
      ]),
      lambdaContext,
    );
    expect(failedItems(result)).toEqual([`${USERS}-2@40`, `${USERS}-2@41`]);
  });
});
