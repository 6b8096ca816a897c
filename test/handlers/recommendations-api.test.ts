import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LoadedHandler, lambdaContext, loadHandler } from './handler-harness.js';

type RuntimeModule = typeof import('@aws-sdk/client-personalize-runtime');

const CAMPAIGN = 'arn:aws:personalize:us-east-1:666666666666:campaign/music-personalized';
const DEFAULT_FILTER = 'arn:aws:personalize:us-east-1:666666666666:filter/exclude-played';
const PODCASTS_FILTER = 'arn:aws:personalize:us-east-1:666666666666:filter/podcasts-only';

interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** An API Gateway HTTP API (payload format 2.0) request for GET /recommendations/{userId}. */
function apiEvent(userId: string | undefined, query: Record<string, string> = {}, method = 'GET') {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: 'GET /recommendations/{userId}',
    rawPath: `/recommendations/${userId ?? ''}`,
    rawQueryString,
    headers: { accept: 'application/json' },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(userId !== undefined ? { pathParameters: { userId } } : {}),
    requestContext: {
      accountId: '666666666666',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: `/recommendations/${userId ?? ''}`, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: 'GET /recommendations/{userId}',
      stage: '$default',
      time: '01/May/2024:10:00:00 +0000',
      timeEpoch: 1_714_557_600_000,
    },
    isBase64Encoded: false,
  };
}

describe('recommendations-api', () => {
  let loaded: LoadedHandler<ReturnType<typeof apiEvent>, HttpResult>;
  let sdk: RuntimeModule;
  let runtime: AwsClientStub<import('@aws-sdk/client-personalize-runtime').PersonalizeRuntimeClient>;

  beforeAll(async () => {
    loaded = await loadHandler('recommendations-api');
    sdk = loaded.sdk('@aws-sdk/client-personalize-runtime') as RuntimeModule;
    runtime = mockClient(sdk.PersonalizeRuntimeClient);
  });
  afterAll(() => {
    runtime.restore();
    loaded.dispose();
  });
  beforeEach(() => {
    runtime.reset();
    runtime.on(sdk.GetRecommendationsCommand).resolves({
      itemList: [
        { itemId: 'p0007', score: 0.31 },
        { itemId: 's0042', score: 0.12 },
      ],
      recommendationId: 'RID-1',
    });
    process.env.CAMPAIGN_ARN = CAMPAIGN;
    process.env.FILTER_ARN = DEFAULT_FILTER;
    process.env.FILTER_ARNS = JSON.stringify({ 'podcasts-only': PODCASTS_FILTER });
  });
  const requests = () => runtime.commandCalls(sdk.GetRecommendationsCommand).map((c) => c.args[0].input);

  it('returns the campaign recommendations as { userId, itemList, recommendationId }, the shape mesh dev serves', async () => {
    const res = await loaded.handler(apiEvent('u0042'), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({
      userId: 'u0042',
      itemList: [
        { itemId: 'p0007', score: 0.31 },
        { itemId: 's0042', score: 0.12 },
      ],
      recommendationId: 'RID-1',
    });
    expect(requests()).toEqual([{ campaignArn: CAMPAIGN, userId: 'u0042', numResults: 25, filterArn: DEFAULT_FILTER }]);
  });

  it('takes numResults and a named filter from the query string', async () => {
    await loaded.handler(apiEvent('u1', { numResults: '5', filter: 'podcasts-only' }), lambdaContext);
    expect(requests()).toEqual([{ campaignArn: CAMPAIGN, userId: 'u1', numResults: 5, filterArn: PODCASTS_FILTER }]);
  });

  it('takes num as numResults, as the local dev server spells it', async () => {
    await loaded.handler(apiEvent('u1', { num: '3' }), lambdaContext);
    expect(requests()).toEqual([{ campaignArn: CAMPAIGN, userId: 'u1', numResults: 3, filterArn: DEFAULT_FILTER }]);
  });

  it('sends no filter when none is configured', async () => {
    delete process.env.FILTER_ARN;
    await loaded.handler(apiEvent('u1'), lambdaContext);
    expect(requests()).toEqual([{ campaignArn: CAMPAIGN, userId: 'u1', numResults: 25 }]);
  });

  it('answers 400 for a bad request without calling Personalize', async () => {
    for (const [event, message] of [
      [apiEvent(undefined), /userId/],
      [apiEvent('u1', { numResults: '0' }), /numResults must be from 1 to 500/],
      [apiEvent('u1', { numResults: 'ten' }), /whole number/],
      [apiEvent('u1', { filter: 'jazz-only' }), /Unknown filter "jazz-only": use one of podcasts-only/],
    ] as const) {
      const res = await loaded.handler(event, lambdaContext);
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body).message).toMatch(message);
    }
    expect(requests()).toEqual([]);
  });

  it('answers 500 without details when Personalize fails, 400 when it rejects the input', async () => {
    runtime.on(sdk.GetRecommendationsCommand).rejects(Object.assign(new Error('campaign gone'), { name: 'ResourceNotFoundException' }));
    const gone = await loaded.handler(apiEvent('u1'), lambdaContext);
    expect(gone.statusCode).toBe(500);
    expect(gone.body).not.toContain('campaign gone');

    runtime.on(sdk.GetRecommendationsCommand).rejects(Object.assign(new Error('bad filter values'), { name: 'InvalidInputException' }));
    const invalid = await loaded.handler(apiEvent('u1'), lambdaContext);
    expect(invalid.statusCode).toBe(400);
  });

  it('answers 500 when the campaign is not configured', async () => {
    delete process.env.CAMPAIGN_ARN;
    const res = await loaded.handler(apiEvent('u1'), lambdaContext);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body).message).toMatch(/not configured/);
  });
});
