/**
 * Property-based: random JSON shapes, malformed bodies, random paths and methods against every endpoint of the
 * `mesh dev` server (PutEvents, PutItems, PutUsers, GetRecommendations, GetPersonalizedRanking,
 * GET /recommendations/{userId}, the Firehose endpoint, the analytics page and summary, /healthz). Never a 5xx; an
 * error is a JSON document with a message; a body that is not a JSON object is a 400 InvalidInputException.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevFixture, type RawResponse, rawRequest, startDevFixture } from './dev-server-fixture.js';

let dev: DevFixture;
beforeAll(async () => {
  dev = await startDevFixture();
});
afterAll(async () => {
  await dev?.close();
});

const PERSONALIZE_POSTS = ['/events', '/items', '/users', '/recommendations', '/personalize-ranking'];
const KNOWN_PATHS = [
  ...PERSONALIZE_POSTS,
  '/recommendations/user-1',
  '/firehose',
  '/firehose/',
  '/analytics',
  '/analytics/summary',
  '/healthz',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/x-amz-json-1.1',
  'text/plain',
  'application/xml',
];
const TARGETS = [
  undefined,
  'Firehose_20150804.PutRecordBatch',
  'Firehose_20150804.PutRecord',
  'Firehose_20150804.DeleteDeliveryStream',
  'Kinesis.PutRecord',
];

/** Any JS value as JSON text (undefined → empty body). */
const anyJsonText = fc
  .anything({
    withBigInt: false,
    withMap: false,
    withSet: false,
    withTypedArray: false,
    withDate: true,
    withNullPrototype: true,
    withSparseArray: true,
  })
  .map((v) => JSON.stringify(v) ?? '');
const malformed = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom('{', '}', '{"a":}', 'nul', 'NaN', '[1,]', '\u0000', '{"__proto__":{"x":1}}', '1e999'),
);
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  anyJsonText,
  malformed,
  fc.constant(''),
);
const randomPath = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.webPath(),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
  fc.webSegment().map((s) => `/recommendations/${s}`),
  fc.string().map((s) => `/recommendations/${encodeURIComponent(s)}?num=${encodeURIComponent(s)}&filter=${encodeURIComponent(s)}`),
);

function headersOf(contentType: string | undefined, target: string | undefined): Record<string, string> {
  return { ...(contentType ? { 'content-type': contentType } : {}), ...(target ? { 'x-amz-target': target } : {}) };
}

/** No 5xx; every 4xx is a JSON error with a message. */
function expectSound(res: RawResponse, method: string, what: unknown): void {
  if (res.status >= 500 || res.status < 200) throw new Error(`${res.status} for ${JSON.stringify(what)}: ${res.text.slice(0, 300)}`);
  if (res.status >= 400 && method !== 'HEAD') {
    let parsed: { message?: unknown };
    try {
      parsed = JSON.parse(res.text) as { message?: unknown };
    } catch {
      throw new Error(`${res.status} without a JSON body for ${JSON.stringify(what)}: ${res.text.slice(0, 200)}`);
    }
    expect(typeof parsed.message).toBe('string');
  }
}

describe('fuzzing the dev server', () => {
  it('random methods, paths, content types and bodies: never a 5xx, errors are JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        randomPath,
        body,
        fc.constantFrom(...CONTENT_TYPES),
        fc.constantFrom(...TARGETS),
        async (method, path, text, contentType, target) => {
          const res = await rawRequest(
            dev.server.url,
            method,
            path,
            method === 'GET' || method === 'HEAD' ? undefined : text,
            headersOf(contentType, target),
          );
          expectSound(res, method, { method, path, text: text.slice(0, 200), contentType, target });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any JSON that is not an object, or malformed JSON, posted to a Personalize route is a 400 InvalidInputException', async () => {
    const notAnObject = fc.oneof(
      fc
        .jsonValue()
        .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
      malformed.filter((t) => {
        if (t.trim() === '') return false;
        try {
          const v: unknown = JSON.parse(t);
          return v === null || typeof v !== 'object' || Array.isArray(v);
        } catch {
          return true;
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PERSONALIZE_POSTS), notAnObject, async (path, text) => {
        const res = await rawRequest(dev.server.url, 'POST', path, text, { 'content-type': 'application/json' });
        expect(res.status).toBe(400);
        expect(res.headers['x-amzn-errortype']).toBe('InvalidInputException');
        expect(JSON.parse(res.text)).toMatchObject({ __type: 'InvalidInputException', message: expect.any(String) });
      }),
      { numRuns: 150 },
    );
  });

  it('Personalize-shaped requests (valid ones with real ARNs, ids and filters, then one member or event replaced by junk): no 5xx', async () => {
    const o = dev.outputs;
    const junk = fc.jsonValue({ maxDepth: 2 });
    const itemId = fc.oneof(
      { arbitrary: fc.constantFrom(...dev.f.data.items.slice(0, 30).map((i) => i.itemId)), weight: 3 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 256 }), weight: 1 },
    );
    const userId = fc.oneof(
      { arbitrary: fc.constantFrom(...dev.f.data.users.slice(0, 10).map((u) => u.userId)), weight: 3 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 256 }), weight: 1 },
    );
    const properties = fc
      .oneof(
        fc.record({ contentType: fc.oneof(fc.constantFrom('song', 'podcast'), junk), genre: junk }, { requiredKeys: [] }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 4 }),
      )
      .map((d) => JSON.stringify(d))
      .filter((t) => t.length <= 1024);
    const filterArn = fc.constantFrom(...Object.values(o.filterArns));
    const filterValues = fc.dictionary(fc.stringMatching(/^[A-Za-z0-9_]{1,10}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 });
    const sentAt = fc.oneof(
      fc.integer({ min: 0, max: 2_000_000_000 }),
      fc.date({ noInvalidDate: true, min: new Date(0) }).map((d) => d.toISOString()),
    );
    const event = fc.record(
      {
        eventType: fc.constantFrom('play', 'like', 'skip'),
        sentAt,
        itemId,
        eventId: fc.string({ minLength: 1, maxLength: 30 }),
        eventValue: fc.double({ noNaN: true, noDefaultInfinity: true }),
        properties,
        recommendationId: fc.string({ minLength: 1, maxLength: 40 }),
        impression: fc.array(itemId, { minLength: 1, maxLength: 25 }),
      },
      { requiredKeys: ['eventType', 'sentAt'] },
    );
    const opt = { requiredKeys: [] as never[] };
    const valid: fc.Arbitrary<[string, Record<string, unknown>]>[] = [
      fc
        .record(
          {
            trackingId: fc.constant(o.trackingId),
            sessionId: fc.string({ minLength: 1, maxLength: 20 }),
            userId,
            eventList: fc.array(event, { minLength: 1, maxLength: 10 }),
          },
          { requiredKeys: ['trackingId', 'sessionId', 'eventList'] },
        )
        .map((b) => ['/events', b]),
      fc
        .record({
          datasetArn: fc.constant(o.itemsDatasetArn),
          items: fc.array(fc.record({ itemId, properties }, { requiredKeys: ['itemId'] }), { minLength: 1, maxLength: 10 }),
        })
        .map((b) => ['/items', b]),
      fc
        .record({
          datasetArn: fc.constant(o.usersDatasetArn),
          users: fc.array(fc.record({ userId, properties }, { requiredKeys: ['userId'] }), { minLength: 1, maxLength: 10 }),
        })
        .map((b) => ['/users', b]),
      fc
        .tuple(
          fc.constantFrom(...Object.values(o.campaigns)),
          fc.oneof(fc.record({ userId }), fc.record({ itemId })),
          fc.record({ numResults: fc.integer({ min: 1, max: 500 }), filterArn, filterValues, context: filterValues }, opt),
        )
        .map(([campaignArn, who, rest]) => ['/recommendations', { campaignArn, ...who, ...rest }]),
      fc
        .record(
          {
            campaignArn: fc.constantFrom(...Object.values(o.campaigns)),
            userId,
            inputList: fc.array(itemId, { minLength: 1, maxLength: 30 }),
            filterArn,
            filterValues,
          },
          { requiredKeys: ['campaignArn', 'userId', 'inputList'] },
        )
        .map((b) => ['/personalize-ranking', b]),
    ];
    /** Half the requests stay valid; the others get one top-level member, or one member of a list entry, replaced. */
    const mutation = fc.option(fc.tuple(fc.boolean(), fc.nat(), fc.string({ maxLength: 16 }), junk), { freq: 2 });
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(...valid), mutation, async ([path, request], change) => {
        const payload = structuredClone(request);
        if (change) {
          const [nested, n, name, value] = change;
          const keys = Object.keys(payload);
          const list = Object.values(payload).find((v): v is Record<string, unknown>[] => Array.isArray(v) && typeof v[0] === 'object');
          const entry = nested && list ? list[n % list.length] : undefined;
          if (entry) entry[Object.keys(entry)[n % Object.keys(entry).length] ?? name] = value;
          else payload[keys[n % (keys.length + 1)] ?? name] = value;
        }
        const res = await rawRequest(dev.server.url, 'POST', path, JSON.stringify(payload), { 'content-type': 'application/json' });
        expectSound(res, 'POST', { path, payload });
        if (res.status === 200) ok++;
      }),
      { numRuns: 300 },
    );
    // The valid half reaches the store and the model (not only the validation in front of them).
    expect(ok).toBeGreaterThan(60);
  });

  it('Firehose-shaped requests with random members: no 5xx, errors in Firehose’s shape', async () => {
    const record = fc.record(
      {
        Data: fc.oneof(
          fc.base64String({ maxLength: 200 }),
          fc.jsonValue().map((v) => Buffer.from(`${JSON.stringify(v)}\n`).toString('base64')),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      },
      { requiredKeys: [] },
    );
    const payload = fc.record(
      {
        DeliveryStreamName: fc.oneof(fc.constant('music-listens'), fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 1 })),
        Records: fc.oneof(fc.array(record, { maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
        Record: fc.oneof(record, fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('Firehose_20150804.PutRecordBatch', 'Firehose_20150804.PutRecord'), payload, async (target, p) => {
        const res = await rawRequest(dev.server.url, 'POST', '/firehose', JSON.stringify(p), {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': target,
        });
        expectSound(res, 'POST', { target, p });
        if (res.status >= 400) expect(JSON.parse(res.text)).toMatchObject({ __type: expect.any(String) });
      }),
      { numRuns: 150 },
    );
  });
});
