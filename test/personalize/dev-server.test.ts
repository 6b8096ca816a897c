import { PersonalizeEventsClient, PutEventsCommand, PutItemsCommand, PutUsersCommand } from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  PersonalizeRuntimeClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev/http/server.js';
import { readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import { deployPersonalize, recommendPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import { type Fixture, makeFixture, recordingOutput } from './helpers.js';

let f: Fixture;
let server: DevServer;
let events: PersonalizeEventsClient;
let runtime: PersonalizeRuntimeClient;

beforeAll(async () => {
  f = makeFixture();
  const ctx = { workspace: f.workspace, target: 'local' as const, host: recordingOutput() };
  await trainPersonalize(ctx);
  await deployPersonalize(ctx);
  server = await startDevServer({ workspace: f.workspace, port: 0 });
  const config = { endpoint: server.url, region: 'eu-west-1', credentials: { accessKeyId: 'any', secretAccessKey: 'any' } };
  events = new PersonalizeEventsClient(config);
  runtime = new PersonalizeRuntimeClient(config);
});

afterAll(async () => {
  events?.destroy();
  runtime?.destroy();
  await server?.close();
  f?.cleanup();
});

function outputs() {
  const o = readPersonalizeOutputs(f.workspace, 'recommendations');
  if (!o?.campaignArn || !o.itemsDatasetArn || !o.usersDatasetArn) throw new Error('not deployed');
  return o as typeof o & { campaignArn: string; itemsDatasetArn: string; usersDatasetArn: string };
}

describe('mesh dev: Personalize-compatible HTTP API with the real AWS SDK clients', () => {
  it('PutEvents changes the user’s next GetRecommendations at once, and played items drop out', async () => {
    const o = outputs();
    // a user who has only played songs
    const listened = new Set(f.data.interactions.filter((i) => i.itemId.startsWith('podcast-')).map((i) => i.userId));
    const user = f.data.users.find((u) => !listened.has(u.userId))?.userId as string;
    const before = await runtime.send(new GetRecommendationsCommand({ campaignArn: o.campaignArn, userId: user, numResults: 10 }));
    expect(before.itemList).toHaveLength(10);
    expect(before.recommendationId).toMatch(/^RID-/);
    const top = before.itemList?.[0]?.itemId as string;

    // The user plays five podcasts of one topic, and the top recommendation.
    const podcasts = f.data.items
      .filter((i) => i.props.TOPIC === 'topic-2')
      .slice(0, 5)
      .map((i) => i.itemId);
    const now = Date.now() / 1000;
    await events.send(
      new PutEventsCommand({
        trackingId: o.trackingId,
        userId: user,
        sessionId: 'session-1',
        eventList: [...podcasts, top].map((itemId, n) => ({
          eventType: 'play',
          itemId,
          sentAt: new Date((now + n) * 1000),
          eventId: `e-${n}`,
        })),
      }),
    );
    const after = await runtime.send(new GetRecommendationsCommand({ campaignArn: o.campaignArn, userId: user, numResults: 10 }));
    const ids = after.itemList?.map((i) => i.itemId as string) ?? [];
    expect(ids).not.toEqual(before.itemList?.map((i) => i.itemId));
    expect(ids).not.toContain(top); // played now, excluded by the default filter
    for (const p of podcasts) expect(ids).not.toContain(p);
    const podcastCount = (list: string[]) => list.filter((id) => id.startsWith('podcast-')).length;
    expect(podcastCount(ids)).toBeGreaterThan(podcastCount(before.itemList?.map((i) => i.itemId as string) ?? [])); // the new taste shows
    // The CLI path sees the same events (same store on disk).
    const cli = await recommendPersonalize(
      { workspace: f.workspace, target: 'local', host: recordingOutput() },
      { userId: user, numResults: 10 },
    );
    expect(cli.itemList.map((i) => i.itemId)).toEqual(ids);
  });

  it('a redelivered PutEvents (same events) has no further effect', async () => {
    const o = outputs();
    const user = f.data.users[6]?.userId as string;
    const sentAt = new Date(1_800_000_000_000);
    const put = () =>
      events.send(
        new PutEventsCommand({
          trackingId: o.trackingId,
          userId: user,
          sessionId: 's',
          eventList: [{ eventType: 'play', itemId: 'podcast-0001', sentAt }],
        }),
      );
    await put();
    const once = await runtime.send(new GetRecommendationsCommand({ campaignArn: o.campaignArn, userId: user, numResults: 10 }));
    await put();
    const twice = await runtime.send(new GetRecommendationsCommand({ campaignArn: o.campaignArn, userId: user, numResults: 10 }));
    expect(twice.itemList).toEqual(once.itemList);
  });

  it('PutItems makes a new item recommendable; PutUsers is accepted', async () => {
    const o = outputs();
    await events.send(
      new PutItemsCommand({
        datasetArn: o.itemsDatasetArn,
        items: [{ itemId: 'podcast-new-1', properties: JSON.stringify({ contentType: 'podcast', genre: 'topic-2' }) }],
      }),
    );
    await events.send(
      new PutUsersCommand({
        datasetArn: o.usersDatasetArn,
        users: [{ userId: 'new-user', properties: JSON.stringify({ country: 'DE' }) }],
      }),
    );
    const filterArn = o.filterArns['podcasts-only'] as string;
    const user = f.data.users[8]?.userId as string;
    const r = await runtime.send(new GetRecommendationsCommand({ campaignArn: o.campaignArn, userId: user, numResults: 60, filterArn }));
    const ids = r.itemList?.map((i) => i.itemId as string) ?? [];
    expect(ids).toContain('podcast-new-1');
    expect(ids.every((id) => id.startsWith('podcast-'))).toBe(true);
  });

  it('GetPersonalizedRanking orders the input list; unknown ARNs raise the SDK’s own exceptions', async () => {
    const o = outputs();
    const inputList = ['song-00001', 'song-00002', 'podcast-0003', 'no-such-item'];
    const r = await runtime.send(
      new GetPersonalizedRankingCommand({ campaignArn: o.campaignArn, userId: f.data.users[1]?.userId as string, inputList }),
    );
    expect(r.personalizedRanking?.map((i) => i.itemId).sort()).toEqual([...inputList].sort());
    expect(r.personalizedRanking?.at(-1)).toEqual({ itemId: 'no-such-item' });
    await expect(
      runtime.send(new GetRecommendationsCommand({ campaignArn: 'arn:aws:personalize:eu-west-1:1:campaign/nope', userId: 'u' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(events.send(new PutEventsCommand({ trackingId: o.trackingId, sessionId: 's', eventList: [] }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
  });

  it('GET /recommendations/{userId} and /healthz; routes can be added', async () => {
    const user = f.data.users[2]?.userId as string;
    const res = await fetch(`${server.url}/recommendations/${encodeURIComponent(user)}?num=7`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { userId: string; domain: string; itemList: unknown[] };
    expect(body).toMatchObject({ userId: user, domain: 'recommendations' });
    expect(body.itemList).toHaveLength(7);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ ok: true, domains: ['recommendations'] });
    server.addRoute('GET', '/analytics/{name}', (req) => ({ body: { hello: req.params.name } }));
    expect(await (await fetch(`${server.url}/analytics/plays`)).json()).toEqual({ hello: 'plays' });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
