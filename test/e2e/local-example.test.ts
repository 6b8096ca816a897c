/**
 * The running example end to end on the local target (issue 7): the README's first command, step by step through
 * the CLI (in this process), then `mesh dev` (startDev, in this process, so nothing outlives the test) running the
 * example's four consumer functions in child processes against the embedded log.
 *
 *   1. u0042, who had only played songs, gets podcast episodes in their top 10 after their podcast listens arrive
 *      on the stream — through GET /recommendations/u0042 and through the AWS SDK's GetRecommendations.
 *   2. The analytics aggregate equals a count made here from the produced events.
 *   3. Song, episode and user changes on their streams reach the recommender (PutItems, PutUsers), once.
 *   4. Redelivery has no effect in either consumer group: the same events produced twice (the embedded log skips
 *      them by event id), a handler that fails after
 *      doing its work (fault injected in the temp workspace), a stop mid-burst and a restart. Every group's committed
 *      offsets reach the end offsets, and stopping leaves no function process behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DevSession, startDev } from '../../src/dev/start-dev.js';
import { readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import type { FunctionRunnerStats, SubscriptionStats } from '../../src/streams/local-runner/runner.js';
import { openEmbeddedLog, type StreamTransport } from '../../src/streams/transport/index.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { groupPositions, injectFailOnce, mesh, setUpExample } from './local-example-setup.js';
import { burst, distinctEvents, expectedAnalytics, type Listen, writeJsonLines } from './local-listens.js';
import { isAlive, processesOf, waitFor } from './local-processes.js';
import { analyticsCells, csvRows, recommendationEntities, recommendationEvents } from './local-stores.js';

const USER = 'u0042';
/** Podcasts allowed in u0042's top 10 before their podcast listens (they had played songs only). */
const MAX_PODCASTS_BEFORE = 2;
const PROCESSED_WITHIN_MS = 40_000;

let root: string;
let workspace: Workspace;
let session: DevSession | undefined;
let transport: StreamTransport;
let runtime: PersonalizeRuntimeClient;
let podcasts: Set<string>;
const produced: Listen[] = [];
const started = performance.now();
const timings: Record<string, number> = {};

async function startSession(): Promise<DevSession> {
  const s = await startDev({ workspace, target: 'local', signal: new AbortController().signal, port: 0 });
  session = s;
  return s;
}

async function produce(name: string, events: readonly Listen[]): Promise<void> {
  const file = writeJsonLines(root, name, events);
  const doc = await mesh(root, 'events', 'produce', 'interactions', '--file', file);
  expect(doc.sent).toBe(events.length);
  produced.push(...events);
}

const statsOf = (s: DevSession) => s.stats() as FunctionRunnerStats;
const subscription = (s: DevSession, fn: string): SubscriptionStats => {
  const found = statsOf(s).subscriptions.find((x) => x.function === fn);
  if (!found) throw new Error(`no subscription runs ${fn}`);
  return found;
};

/** Waits until every consumer group of the session has committed up to its topic's end offsets. */
async function allProcessed(s: DevSession, what: string): Promise<void> {
  const t0 = performance.now();
  await waitFor(
    `every consumer group at its end offsets (${what})`,
    async () => ((await groupPositions(transport, statsOf(s))).every((p) => p.done) ? true : undefined),
    PROCESSED_WITHIN_MS,
  );
  timings[what] = Math.round(performance.now() - t0);
}

async function recommendations(): Promise<{ http: string[]; sdk: string[] }> {
  const url = session?.url as string;
  const res = await fetch(`${url}/recommendations/${USER}?num=10`);
  expect(res.status).toBe(200);
  const http = ((await res.json()) as { itemList: { itemId: string }[] }).itemList.map((i) => i.itemId);
  const campaignArn = readPersonalizeOutputs(workspace, 'recommendations')?.campaignArn;
  const out = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId: USER, numResults: 10 }));
  return { http, sdk: (out.itemList ?? []).map((i) => i.itemId as string) };
}

/** Both consumers' stores hold exactly what the produced events say: nothing lost, nothing counted twice. */
async function expectStoresMatchProducedEvents(): Promise<void> {
  const expected = expectedAnalytics(produced);
  const res = await fetch(`${session?.url}/analytics/summary?minutes=1440&top=100`);
  const summary = (await res.json()) as Record<string, unknown>;
  expect(summary.totalPlays).toBe(expected.totalPlays);
  expect(summary.byContentType).toEqual(expected.byContentType);
  expect(summary.perMinute).toEqual(expected.perMinute);
  expect(summary.topItems).toEqual(expected.topItems.slice(0, 100));
  expect(analyticsCells(workspace.mesh.localDir)).toEqual(expected.cells);

  const stored = recommendationEvents(workspace.mesh.localDir);
  const distinct = distinctEvents(produced);
  expect(stored).toHaveLength(distinct.length);
  expect(new Set(stored.map((e) => e.eventId))).toEqual(new Set(distinct.map((e) => e.event_id)));
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-e2e-local-'));
  const setup = await setUpExample(root, { personalize: true });
  for (const s of setup.steps) timings[`cli ${s.step}`] = (timings[`cli ${s.step}`] ?? 0) + s.ms;
  await injectFailOnce(root, 'recommendations', 'interactions', 'interactions-handler');
  await injectFailOnce(root, 'analytics', 'interactions', 'interactions-ingestor');
  workspace = await loadWorkspace(root, { target: 'local' });
  podcasts = new Set(csvRows(path.join(root, 'domains/podcasts/data/podcasts.csv')).map((r) => r.episode_id as string));
  transport = await openEmbeddedLog(workspace.mesh.localDir);
  const t0 = performance.now();
  await startSession();
  timings.startDev = Math.round(performance.now() - t0);
  runtime = new PersonalizeRuntimeClient({
    region: 'us-east-1',
    endpoint: session?.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail' && session) console.error(JSON.stringify(statsOf(session), null, 2));
});

afterAll(async () => {
  await session?.stop();
  runtime?.destroy();
  await transport?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  console.log(`local-example timings (ms): ${JSON.stringify({ ...timings, total: Math.round(performance.now() - started) })}`);
});

describe('the running example on the local target', () => {
  it('u0042 gets podcasts in their top 10 after their podcast listens, via GET /recommendations and GetRecommendations', async () => {
    // The example's premise: in the sample data u0042 only ever played songs.
    const history = csvRows(path.join(root, 'domains/interactions/data/interactions.csv')).filter((r) => r.user_id === USER);
    expect(history.length).toBeGreaterThan(0);
    expect(new Set(history.map((r) => r.content_type))).toEqual(new Set(['song']));

    // interactions-handler starts at LATEST: its position is pinned at its first fetch; produce after that.
    const handlerGroup = subscription(session as DevSession, 'interactions-handler');
    await waitFor(
      'interactions-handler at LATEST',
      async () => ((await transport.committedOffsets(handlerGroup.group, handlerGroup.topic)).length === 6 ? true : undefined),
      10_000,
    );

    const before = await recommendations();
    expect(before.http).toHaveLength(10);
    expect(before.sdk).toEqual(before.http);
    const podcastsBefore = before.http.filter((id) => podcasts.has(id));
    expect(podcastsBefore.length).toBeLessThanOrEqual(MAX_PODCASTS_BEFORE);

    // The example's podcast listens of u0042, stamped now.
    const now = Math.floor(Date.now() / 1000);
    const listens = readFileSync(path.join(root, 'domains/interactions/data/u0042-podcast-listens.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line, i) => ({ ...(JSON.parse(line) as Listen), timestamp: now - 60 + i * 5 }));
    expect(listens.every((l) => l.user_id === USER && l.content_type === 'podcast' && podcasts.has(l.item_id))).toBe(true);
    const t0 = performance.now();
    await produce('u0042.jsonl', listens);

    const isNewPodcast = (id: string) => podcasts.has(id) && !before.http.includes(id);
    const after = await waitFor(
      'new podcasts in both answers',
      async () => {
        const r = await recommendations();
        return r.http.some(isNewPodcast) && r.sdk.some(isNewPodcast) && r.http.join() === r.sdk.join() ? r : undefined;
      },
      PROCESSED_WITHIN_MS,
    );
    timings['u0042 listens → new podcasts'] = Math.round(performance.now() - t0);
    const podcastsAfter = after.http.filter((id) => podcasts.has(id));
    expect(podcastsAfter.length).toBeGreaterThan(podcastsBefore.length);
    expect(after.http).toHaveLength(10);
    // The default filter (exclude-played) sees the new plays: the episodes u0042 just played are not offered again.
    expect(after.http.filter((id) => listens.some((l) => l.item_id === id))).toEqual([]);
    console.log(
      `u0042 top 10 podcasts: ${podcastsBefore.length} before [${podcastsBefore}], ${podcastsAfter.length} after [${podcastsAfter}]`,
    );
  });

  it('the analytics aggregate equals a count made from the produced events', async () => {
    const s = session as DevSession;
    const minuteStart = Math.floor(Date.now() / 60_000) * 60;
    const events = burst({ prefix: 'a', count: 150, seed: 1, from: minuteStart - 240 });
    await produce('burst-a.jsonl', events);
    await allProcessed(s, 'burst a');

    const expected = expectedAnalytics(produced);
    // The composition is mixed enough to mean something: both content types, several minutes, non-plays left out.
    expect(expected.byContentType.song).toBeGreaterThan(20);
    expect(expected.byContentType.podcast).toBeGreaterThan(20);
    expect(expected.perMinute.length).toBeGreaterThanOrEqual(3);
    expect(expected.totalPlays).toBeLessThan(distinctEvents(produced).length);
    await expectStoresMatchProducedEvents();
    // Every record on the topic is one of ours.
    const onTopic = (await transport.endOffsets(subscription(s, 'interactions-ingestor').topic)).reduce((n, p) => n + p.end - p.start, 0);
    expect(onTopic).toBe(produced.length);
  });

  it('catalog and user changes on the streams reach the recommender once, mapped to its schemas', async () => {
    const s = session as DevSession;
    const now = Math.floor(Date.now() / 1000);
    const changes = {
      podcasts: {
        episode_id: 'p9001',
        show_name: 'Byte Hour',
        episode_title: 'Episode 99',
        category: 'technology',
        duration_seconds: 1800,
        published_ts: now,
      },
      songs: {
        song_id: 's0001',
        title: 'Rain City',
        artist: 'The Electric Horizons',
        album: null,
        genre: 'jazz',
        duration_seconds: 213,
        release_year: 2018,
        explicit: false,
      },
      users: {
        user_id: 'u9001',
        country: 'DE',
        birth_year: null,
        subscription_tier: 'premium',
        preferred_genre: null,
        signup_ts: now,
      },
    };
    for (const [product, change] of Object.entries(changes)) {
      // Twice, as a retrying producer would: the second line has the same event id, so the log stores it once.
      const file = path.join(root, `${product}-change.jsonl`);
      writeFileSync(file, `${JSON.stringify(change)}\n${JSON.stringify(change)}\n`);
      const doc = await mesh(root, 'events', 'produce', product, '--file', file);
      expect([doc.sent, doc.duplicates]).toEqual([1, 1]);
    }
    await allProcessed(s, 'catalog changes');
    for (const fn of ['items-handler', 'users-handler']) expect(subscription(s, fn).delivered, fn).toBeGreaterThanOrEqual(1);

    const items = recommendationEntities(workspace.mesh.localDir, 'items');
    expect(items.get('p9001')).toEqual([expect.objectContaining({ CONTENT_TYPE: 'podcast', GENRE: 'technology' })]);
    expect(items.get('s0001')).toEqual([expect.objectContaining({ CONTENT_TYPE: 'song', GENRE: 'jazz' })]);
    const users = recommendationEntities(workspace.mesh.localDir, 'users');
    expect(users.get('u9001')).toEqual([expect.objectContaining({ COUNTRY: 'DE', SUBSCRIPTION_TIER: 'premium' })]);
  });

  it('duplicates and redelivered batches change nothing in either consumer group', async () => {
    const s = session as DevSession;
    const minuteStart = Math.floor(Date.now() / 60_000) * 60;
    // The same 150 events again (same ids, same content), as a producer retrying would send them: the log skips them.
    const again = produced.filter((e) => e.event_id.startsWith('a-'));
    const doc = await mesh(root, 'events', 'produce', 'interactions', '--file', writeJsonLines(root, 'burst-a-again.jsonl', again));
    expect([doc.sent, doc.duplicates]).toEqual([0, again.length]);
    // A batch each wrapped handler processes, then fails: the runner delivers it again.
    await produce('burst-fail-once.jsonl', burst({ prefix: 'fail-once', count: 60, seed: 2, from: minuteStart - 120 }));
    await allProcessed(s, 'duplicates + failed batch');

    for (const fn of ['interactions-handler', 'interactions-ingestor']) {
      const stats = subscription(s, fn);
      expect(existsSync(path.join(root, `.failed-once-${fn}`)), `${fn} failed once`).toBe(true);
      expect(stats.failed, fn).toBeGreaterThanOrEqual(1);
      expect(stats.retries, fn).toBeGreaterThanOrEqual(1);
      expect(stats.deadLettered, fn).toBe(0);
      // Records handed to the handler more than once (the failed batch came again).
      expect(stats.delivered, fn).toBeGreaterThan(stats.committed);
    }
    await expectStoresMatchProducedEvents();
  });

  it('a stop mid-burst and a restart lose nothing and count nothing twice; stop leaves no process running', async () => {
    let s = session as DevSession;
    const interactions = subscription(s, 'interactions-handler');
    const committedBefore = (await groupPositions(transport, statsOf(s))).find((p) => p.group === interactions.group)?.committed ?? 0;
    await produce('burst-r.jsonl', burst({ prefix: 'r', count: 1200, seed: 3, from: Math.floor(Date.now() / 1000) - 1800, users: 60 }));
    // Stop as soon as the recommendations group has committed part of the burst.
    await waitFor(
      'the first committed batch of the burst',
      async () => {
        const p = (await groupPositions(transport, statsOf(s))).find((x) => x.group === interactions.group);
        return p && p.committed > committedBefore ? p : undefined;
      },
      PROCESSED_WITHIN_MS,
      20,
    );
    const running = processesOf(root).filter((p) => p.kind === 'function');
    expect(running.map((p) => p.ppid).every((ppid) => ppid === process.pid)).toBe(true);
    expect(running.length).toBeGreaterThanOrEqual(2); // at least the two interactions consumers
    const t0 = performance.now();
    await s.stop();
    timings['stop mid-burst'] = Math.round(performance.now() - t0);
    expect(running.filter((p) => isAlive(p.pid))).toEqual([]);
    expect(processesOf(root)).toEqual([]);
    // The bundles the processes ran are removed too.
    const bundles = running.map((p) => p.cmdline.split(' ').find((a) => a.endsWith('host.cjs')) as string);
    expect(bundles.filter((b) => b && existsSync(path.dirname(b)))).toEqual([]);

    const stopped = await groupPositions(transport, statsOf(s));
    expect(stopped.filter((p) => !p.done).map((p) => p.group)).toContain(interactions.group);

    const t1 = performance.now();
    s = await startSession();
    timings.restart = Math.round(performance.now() - t1);
    await allProcessed(s, 'after restart');
    expect(subscription(s, 'interactions-handler').delivered).toBeGreaterThan(0);
    await expectStoresMatchProducedEvents();

    await s.stop();
    session = undefined;
    expect(processesOf(root)).toEqual([]);
  });
});
