/**
 * Issue 13, finding 6: a body that is not a JSON object (a JSON `null` answered 500 "Cannot read properties of
 * null") and every member of every Personalize endpoint are refused with 400 in Personalize's error shape, which
 * the real SDK clients raise as InvalidInputException.
 */
import { PersonalizeEventsClient, PutEventsCommand, PutItemsCommand, PutUsersCommand } from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  InvalidInputException,
  PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevFixture, errorOf, rawRequest, startDevFixture } from './dev-server-fixture.js';

let dev: DevFixture;
let events: PersonalizeEventsClient;
let runtime: PersonalizeRuntimeClient;

beforeAll(async () => {
  dev = await startDevFixture();
  const config = { endpoint: dev.server.url, region: 'eu-west-1', credentials: { accessKeyId: 'any', secretAccessKey: 'any' } };
  events = new PersonalizeEventsClient(config);
  runtime = new PersonalizeRuntimeClient(config);
});

afterAll(async () => {
  events?.destroy();
  runtime?.destroy();
  await dev?.close();
});

const POST_ROUTES = ['/events', '/items', '/users', '/recommendations', '/personalize-ranking'];
const JSON_TYPE = { 'content-type': 'application/json' };

describe('bodies that are not a JSON object answer 400 InvalidInputException', () => {
  const bodies: [string, string, Record<string, string>][] = [
    ['null', 'null', JSON_TYPE],
    ['an array', '[{"trackingId":"t"}]', JSON_TYPE],
    ['a number', '42', JSON_TYPE],
    ['a string', '"hello"', JSON_TYPE],
    ['a boolean', 'true', JSON_TYPE],
    ['invalid JSON', '{"trackingId": ', JSON_TYPE],
    ['a form body', 'trackingId=t&sessionId=s', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['JSON sent as text/plain', '{"trackingId":"t"}', { 'content-type': 'text/plain' }],
  ];
  for (const route of POST_ROUTES) {
    it(`POST ${route}`, async () => {
      for (const [what, body, headers] of bodies) {
        const res = await rawRequest(dev.server.url, 'POST', route, body, headers);
        expect({ what, status: res.status }).toEqual({ what, status: 400 });
        expect(res.headers['x-amzn-errortype']).toBe('InvalidInputException');
        expect(errorOf(res)).toMatchObject({ __type: 'InvalidInputException', message: expect.any(String) });
      }
    });
  }

  it('a JSON null is named in the message, and nothing reaches the store', async () => {
    const res = await rawRequest(dev.server.url, 'POST', '/events', 'null', JSON_TYPE);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe('The request body must be a JSON object, not null.');
  });
});

describe('members are checked against Personalize’s API model (raw requests)', () => {
  const long = (n: number) => 'x'.repeat(n);
  const event = { eventType: 'play', sentAt: 1_700_000_000, itemId: 'song-00001' };
  const cases: [string, string, unknown, RegExp][] = [
    ['/events', 'trackingId missing', { sessionId: 's', eventList: [event] }, /trackingId/],
    ['/events', 'trackingId a number', { trackingId: 7, sessionId: 's', eventList: [event] }, /trackingId/],
    ['/events', 'sessionId over 256', { trackingId: 't', sessionId: long(257), eventList: [event] }, /sessionId/],
    ['/events', 'eventList empty', { trackingId: 't', sessionId: 's', eventList: [] }, /eventList/],
    ['/events', 'eventList of 11', { trackingId: 't', sessionId: 's', eventList: Array(11).fill(event) }, /eventList/],
    ['/events', 'eventList not a list', { trackingId: 't', sessionId: 's', eventList: 'play' }, /eventList/],
    ['/events', 'an event null', { trackingId: 't', sessionId: 's', eventList: [null] }, /eventList\.0/],
    ['/events', 'sentAt missing', { trackingId: 't', sessionId: 's', eventList: [{ eventType: 'play' }] }, /sentAt/],
    ['/events', 'itemId over 256', { trackingId: 't', sessionId: 's', eventList: [{ ...event, itemId: long(257) }] }, /itemId/],
    ['/events', 'eventValue a string', { trackingId: 't', sessionId: 's', eventList: [{ ...event, eventValue: '1' }] }, /eventValue/],
    [
      '/events',
      'properties over 1,024',
      { trackingId: 't', sessionId: 's', eventList: [{ ...event, properties: JSON.stringify({ a: long(1100) }) }] },
      /properties/,
    ],
    [
      '/events',
      'recommendationId over 40',
      { trackingId: 't', sessionId: 's', eventList: [{ ...event, recommendationId: long(41) }] },
      /recommendationId/,
    ],
    [
      '/events',
      'impression of 26',
      { trackingId: 't', sessionId: 's', eventList: [{ ...event, impression: Array(26).fill('i') }] },
      /impression/,
    ],
    ['/items', 'datasetArn not an ARN', { datasetArn: 'dataset/items', items: [{ itemId: 'i' }] }, /datasetArn/],
    [
      '/items',
      'datasetArn over 256',
      { datasetArn: `arn:aws:personalize:eu-west-1:1:${long(256)}`, items: [{ itemId: 'i' }] },
      /datasetArn/,
    ],
    [
      '/items',
      'properties over 32,000',
      { datasetArn: 'arn:aws:personalize:r:1:dataset/x', items: [{ itemId: 'i', properties: long(32_001) }] },
      /properties/,
    ],
    ['/items', 'properties not a JSON object', { datasetArn: dev_arn('items'), items: [{ itemId: 'i', properties: '[1]' }] }, /properties/],
    ['/users', 'userId missing', { datasetArn: 'arn:aws:personalize:r:1:dataset/x', users: [{}] }, /userId/],
    [
      '/users',
      'properties over 24,000',
      { datasetArn: 'arn:aws:personalize:r:1:dataset/x', users: [{ userId: 'u', properties: long(24_001) }] },
      /properties/,
    ],
    [
      '/recommendations',
      'numResults 501',
      { campaignArn: 'arn:aws:personalize:r:1:campaign/c', userId: 'u', numResults: 501 },
      /numResults/,
    ],
    [
      '/recommendations',
      'numResults 2.5',
      { campaignArn: 'arn:aws:personalize:r:1:campaign/c', userId: 'u', numResults: 2.5 },
      /numResults/,
    ],
    ['/recommendations', 'neither user nor item', { campaignArn: 'arn:aws:personalize:r:1:campaign/c' }, /userId or an itemId/],
    [
      '/recommendations',
      'filterValues name with a space',
      { campaignArn: 'arn:aws:personalize:r:1:campaign/c', userId: 'u', filterValues: { 'a b': '"x"' } },
      /filterValues/,
    ],
    [
      '/recommendations',
      'filterValues of 26',
      {
        campaignArn: 'arn:aws:personalize:r:1:campaign/c',
        userId: 'u',
        filterValues: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v'])),
      },
      /filterValues/,
    ],
    [
      '/personalize-ranking',
      'inputList of 501',
      { campaignArn: 'arn:aws:personalize:r:1:campaign/c', userId: 'u', inputList: Array(501).fill('i') },
      /inputList/,
    ],
    [
      '/personalize-ranking',
      'inputList of numbers',
      { campaignArn: 'arn:aws:personalize:r:1:campaign/c', userId: 'u', inputList: [1, 2] },
      /inputList/,
    ],
    ['/personalize-ranking', 'userId missing', { campaignArn: 'arn:aws:personalize:r:1:campaign/c', inputList: ['i'] }, /userId/],
  ];
  for (const [route, what, body, message] of cases) {
    it(`${route}: ${what} → 400`, async () => {
      const res = await rawRequest(dev.server.url, 'POST', route, JSON.stringify(body), JSON_TYPE);
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ __type: 'InvalidInputException', message: expect.stringMatching(message) });
    });
  }

  it('GET /recommendations/{userId}: num and an over-long user id are checked', async () => {
    for (const path of [
      '/recommendations/u?num=0',
      '/recommendations/u?num=501',
      '/recommendations/u?num=ten',
      `/recommendations/${'u'.repeat(257)}`,
    ]) {
      const res = await rawRequest(dev.server.url, 'GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(errorOf(res).__type).toBe('InvalidInputException');
    }
  });

  it('a request target that is not a path answers 400, and the server keeps serving', async () => {
    const res = await rawRequest(dev.server.url, 'GET', '//');
    expect(res.status).toBe(400);
    expect(errorOf(res).__type).toBe('InvalidInputException');
    expect((await rawRequest(dev.server.url, 'GET', '/healthz')).status).toBe(200);
  });
});

/** A dataset ARN of the fixture's account that names the items dataset (valid shape; the store is not reached). */
function dev_arn(type: string): string {
  return `arn:aws:personalize:eu-west-1:111122223333:dataset/music-recs/${type.toUpperCase()}`;
}

describe('the real SDK clients raise InvalidInputException', () => {
  it('PutEvents with an item id over 256 characters, and a properties string over 1,024', async () => {
    const base = { trackingId: dev.outputs.trackingId, sessionId: 's', userId: 'u-1' };
    await expect(
      events.send(new PutEventsCommand({ ...base, eventList: [{ eventType: 'play', sentAt: new Date(), itemId: 'i'.repeat(257) }] })),
    ).rejects.toMatchObject({ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } });
    await expect(
      events.send(
        new PutEventsCommand({
          ...base,
          eventList: [{ eventType: 'play', sentAt: new Date(), properties: JSON.stringify({ genre: 'g'.repeat(1100) }) }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('PutItems and PutUsers with 11 records', async () => {
    await expect(
      events.send(
        new PutItemsCommand({
          datasetArn: dev.outputs.itemsDatasetArn,
          items: Array.from({ length: 11 }, (_, i) => ({ itemId: `n${i}` })),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
    await expect(
      events.send(
        new PutUsersCommand({
          datasetArn: dev.outputs.usersDatasetArn,
          users: Array.from({ length: 11 }, (_, i) => ({ userId: `n${i}` })),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidInputException' });
  });

  it('GetRecommendations with numResults 501, GetPersonalizedRanking with an empty input list', async () => {
    const error = await runtime
      .send(new GetRecommendationsCommand({ campaignArn: dev.outputs.campaignArn, userId: 'u-1', numResults: 501 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputException);
    expect((error as Error).message).toMatch(/numResults/);
    await expect(
      runtime.send(new GetPersonalizedRankingCommand({ campaignArn: dev.outputs.campaignArn, userId: 'u-1', inputList: [] })),
    ).rejects.toBeInstanceOf(InvalidInputException);
  });

  it('the largest valid PutItems (10 items, 32,000-character properties) is accepted', async () => {
    const properties = JSON.stringify({ genre: 'g'.repeat(32_000 - 12) });
    expect(properties.length).toBe(32_000);
    const out = await events.send(
      new PutItemsCommand({
        datasetArn: dev.outputs.itemsDatasetArn,
        items: Array.from({ length: 10 }, (_, i) => ({ itemId: `big-${i}`, properties })),
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});
