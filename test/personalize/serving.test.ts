import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLD_START_NOTE, renderRecommendations, renderTrain } from '../../src/cli/render/personalize-report.js';
import { type DevServer, startDevServer } from '../../src/dev/http/server.js';
import { makeStyles } from '../../src/io/output.js';
import { readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import type { TrainResult } from '../../src/personalize/service.js';
import { deployPersonalize, personalizeStatus, recommendPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import { type Fixture, makeFixture, recordingOutput } from './helpers.js';

let f: Fixture;
let server: DevServer;
let events: PersonalizeEventsClient;
let trained: TrainResult;

const ctxOf = () => ({ workspace: f.workspace, target: 'local' as const, host: recordingOutput() });

beforeAll(async () => {
  f = makeFixture();
  trained = await trainPersonalize(ctxOf());
  await deployPersonalize(ctxOf());
  server = await startDevServer({ workspace: f.workspace, port: 0 });
  events = new PersonalizeEventsClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
  });
});

afterAll(async () => {
  events?.destroy();
  await server?.close();
  f?.cleanup();
});

interface Recs {
  itemList: { itemId: string; score: number }[];
  coldStart?: boolean;
}

async function getRecs(userId: string, num = 10): Promise<Recs> {
  const res = await fetch(`${server.url}/recommendations/${encodeURIComponent(userId)}?num=${num}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Recs;
}

/** Items by distinct users in the training data, most popular first (ties: first seen). */
function popularItems(): string[] {
  const users = new Map<string, Set<string>>();
  for (const it of f.data.interactions) {
    const s = users.get(it.itemId) ?? new Set<string>();
    s.add(it.userId);
    users.set(it.itemId, s);
  }
  return [...users.entries()].sort((a, b) => b[1].size - a[1].size).map(([id]) => id);
}

describe('train: metrics over three splits with the popularity baseline', () => {
  it('reports mean ± std over 3 splits for each solution and the popularity baseline on the same splits', () => {
    const personalized = trained.solutions.find((s) => s.solution === 'personalized');
    expect(personalized?.splits).toBe(3);
    expect(personalized?.metricsStd?.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(0);
    const base = personalized?.baseline?.metrics.normalized_discounted_cumulative_gain_at_10 as number;
    expect(base).toBeGreaterThan(0);
    expect(personalized?.metrics.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(base);
    const text = renderTrain(trained, makeStyles(false));
    expect(text).toContain('Metrics: mean ± std over 3 holdout splits');
    const metricsLines = text.slice(text.indexOf('Metrics: mean')).split('\n');
    const row = metricsLines.find((l) => l.startsWith('popularity baseline'));
    expect(row).toContain(`${base.toFixed(4)} ± `);
    const line = metricsLines.find((l) => l.startsWith('personalized '));
    expect(line).toMatch(/\d\.\d{4} ± \d\.\d{4}/);
  });
});

describe('cold start: a user without history gets popular items, flagged', () => {
  it('recommend for an unknown user: the most popular items with non-zero scores, coldStart and a note', async () => {
    const recs = await recommendPersonalize(ctxOf(), { userId: 'nobody', numResults: 3 });
    expect(recs.coldStart).toBe(true);
    expect(recs.itemList.map((i) => i.itemId)).toEqual(popularItems().slice(0, 3));
    for (const i of recs.itemList) expect(i.score).toBeGreaterThan(0);
    expect(recs.itemList[0]?.score).toBeGreaterThanOrEqual(recs.itemList[2]?.score as number);
    expect(renderRecommendations(recs)).toContain(COLD_START_NOTE);
    const known = await recommendPersonalize(ctxOf(), { userId: f.data.users[0]?.userId as string, numResults: 3 });
    expect(known.coldStart).toBeUndefined();
    expect(renderRecommendations(known)).not.toContain(COLD_START_NOTE);
  });

  it('the dev server says so too, on GetRecommendations and GET /recommendations', async () => {
    const o = readPersonalizeOutputs(f.workspace, 'recommendations');
    const res = await fetch(`${server.url}/recommendations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ campaignArn: o?.campaignArn, userId: 'nobody-either', numResults: 3 }),
    });
    const body = (await res.json()) as Recs;
    expect(body.coldStart).toBe(true);
    expect(body.itemList.map((i) => i.itemId)).toEqual(popularItems().slice(0, 3));
    expect((await getRecs('nobody-at-all', 3)).coldStart).toBe(true);
  });
});

describe('serving under concurrent PutEvents and GetRecommendations', () => {
  it('loses no event, and never recommends an item the user has just played (exclude filter on)', async () => {
    const o = readPersonalizeOutputs(f.workspace, 'recommendations');
    const before = await personalizeStatus(ctxOf());
    const startEvents = before.target === 'local' ? before.realtime.events : -1;
    const users = f.data.users.slice(20, 30).map((u) => u.userId);
    const rounds = 6;
    let readerDone = false;
    const violations: string[] = [];
    // each user plays their current top recommendation, then asks again: it must be gone, with all earlier plays
    const writer = async (user: string, u: number): Promise<void> => {
      const played = new Set(f.data.interactions.filter((i) => i.userId === user).map((i) => i.itemId));
      for (let r = 0; r < rounds; r++) {
        const top = (await getRecs(user)).itemList[0]?.itemId as string;
        played.add(top);
        await events.send(
          new PutEventsCommand({
            trackingId: o?.trackingId,
            userId: user,
            sessionId: `s-${u}`,
            eventList: [{ eventType: 'play', itemId: top, sentAt: new Date(Date.now() + r * 1000), eventId: `c-${u}-${r}` }],
          }),
        );
        const next = await getRecs(user);
        for (const i of next.itemList) if (played.has(i.itemId)) violations.push(`${user} round ${r}: ${i.itemId}`);
      }
    };
    // readers hammer other users at the same time
    const reader = async (k: number): Promise<number> => {
      let n = 0;
      while (!readerDone) {
        await getRecs(f.data.users[(k * 7 + n) % 20]?.userId as string);
        n++;
      }
      return n;
    };
    const readers = [0, 1, 2, 3].map(reader);
    await Promise.all(users.map(writer));
    readerDone = true;
    const reads = await Promise.all(readers);
    expect(violations).toEqual([]);
    expect(reads.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const after = await personalizeStatus(ctxOf());
    expect(after.target === 'local' ? after.realtime.events - startEvents : -1).toBe(users.length * rounds);
  });
});
