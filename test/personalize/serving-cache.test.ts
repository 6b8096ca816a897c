/**
 * The dev server keeps each user's answer until something it depends on changes. Every change must show in the
 * very next request: the user's PutEvents, a write to the events store by another process, a deploy. Each
 * answer is compared with a fresh runtime's (recommendPersonalize opens one per call, so it has no cache).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventsStore } from '../../src/personalize/local/events-store.js';
import { readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import { openPersonalizeProject } from '../../src/personalize/project.js';
import { deployPersonalize, recommendPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import { type ServedFixture, servedFixture } from './served-fixture.js';

let s: ServedFixture;

beforeAll(async () => {
  s = await servedFixture();
});

afterAll(async () => {
  await s?.close();
});

async function servedByCampaign(userId: string): Promise<string[]> {
  const o = readPersonalizeOutputs(s.f.workspace, 'recommendations');
  const res = await fetch(`${s.server.url}/recommendations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ campaignArn: o?.campaigns.personalized, userId, numResults: 10 }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { itemList: { itemId: string }[] }).itemList.map((i) => i.itemId);
}

async function fresh(userId: string): Promise<string[]> {
  return (await recommendPersonalize(s.ctx(), { userId, numResults: 10 })).itemList.map((i) => i.itemId);
}

describe('answers kept between requests are exact', () => {
  it('a PutEvents of the user changes the next answer (GET and GetRecommendations alike)', async () => {
    const user = s.f.data.users[3]?.userId as string;
    const first = await s.served(user);
    expect(await s.served(user)).toEqual(first); // answered again from what was kept
    expect(await servedByCampaign(user)).toEqual(first);
    const o = readPersonalizeOutputs(s.f.workspace, 'recommendations');
    const put = await fetch(`${s.server.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        trackingId: o?.trackingId,
        userId: user,
        sessionId: 's-cache',
        eventList: [{ eventType: 'play', itemId: first[0], sentAt: Date.now() / 1000 }],
      }),
    });
    expect(put.status).toBe(200);
    const after = await s.served(user);
    expect(after).not.toContain(first[0]);
    expect(after).toEqual(await fresh(user));
    expect(await servedByCampaign(user)).toEqual(after);
  });

  it('a write to the events store by another process shows in the next request', async () => {
    const user = s.f.data.users[4]?.userId as string;
    const first = await s.served(user);
    const other = await EventsStore.open(openPersonalizeProject(s.f.workspace, 'recommendations').paths.eventsDb);
    try {
      other.putEvents([{ userId: user, sessionId: 's-other', eventType: 'play', itemId: first[0] as string, sentAt: Date.now() / 1000 }]);
    } finally {
      other.close();
    }
    const after = await s.served(user);
    expect(after).not.toContain(first[0]);
    expect(after).toEqual(await fresh(user));
  });

  it('a deploy of a new version is served from the next request on', async () => {
    const user = s.f.data.users[5]?.userId as string;
    const before = await s.served(user);
    // retrain on data where this user played only podcasts, then deploy the new version
    const csv = path.join(s.f.domain.dir, 'personalize', 'data', 'interactions.csv');
    const text = readFileSync(csv, 'utf8');
    const podcasts = s.f.data.items.filter((i) => i.props.CONTENT_TYPE === 'podcast').map((i) => i.itemId);
    const lines = text.split('\n').filter((l) => !l.startsWith(`${user},`));
    const extra = podcasts.slice(0, 12).map((item, k) => `${user},${item},${1_717_300_000 + k},play,desktop`);
    writeFileSync(csv, [...lines.filter((l) => l !== ''), ...extra, ''].join('\n'));
    await trainPersonalize(s.ctx());
    await deployPersonalize({ ...s.ctx() }, { force: true });
    const after = await s.served(user);
    expect(after).toEqual(await fresh(user));
    expect(after).not.toEqual(before);
  });

  it('a parsed request is reused only for the same text: the same body under another content type, or a bad query, is refused', async () => {
    const o = readPersonalizeOutputs(s.f.workspace, 'recommendations');
    const user = s.f.data.users[6]?.userId as string;
    const body = JSON.stringify({ campaignArn: o?.campaigns.personalized, userId: user, numResults: 5 });
    const post = (contentType: string) =>
      fetch(`${s.server.url}/recommendations`, { method: 'POST', headers: { 'content-type': contentType }, body });
    for (let i = 0; i < 2; i++) {
      const ok = await post('application/json');
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { itemList: unknown[] }).itemList).toHaveLength(5);
    }
    const refused = await post('text/plain');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/must be JSON/);
    expect((await fetch(`${s.server.url}/recommendations/${user}?num=5`)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const bad = await fetch(`${s.server.url}/recommendations/${user}?num=5000`);
      expect(bad.status).toBe(400);
      await bad.text();
    }
  });
});
