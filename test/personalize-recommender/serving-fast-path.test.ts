/**
 * The serving fast paths compute what the straightforward code computed: time-aware popularity at any time T
 * (checkpointed running sums instead of a binary search per item), and recommendations with cold items
 * (exploration slots ranked with the filter applied to the leaders only).
 */
import { describe, expect, it } from 'vitest';
import { addItems, generateMusicDataset, recommend, trainModel } from '../../src/personalize/recommender/index.js';
import { buildInteractionMatrix } from '../../src/personalize/recommender/interaction-matrix.js';
import { buildTrend, trendScores } from '../../src/personalize/recommender/trend.js';

/** trend(T)_i / max: Σ over events of i at or before T of 2^(−(T − t)/h), the definition. */
function bruteTrend(events: { item: number; ts: number }[], n: number, at: number, halfLifeDays: number): Float64Array {
  const out = new Float64Array(n);
  for (const e of events) if (e.ts <= at) out[e.item] = (out[e.item] as number) + 2 ** (-(at - e.ts) / (halfLifeDays * 86_400));
  const max = Math.max(0, ...out);
  return max > 0 ? out.map((v) => v / max) : out;
}

describe('time-aware popularity at serving time', () => {
  it('stays the definition for a T more than 1,024 half-lives before the newest event (no NaN from underflow)', () => {
    const day = 86_400;
    // item 0 played twice and item 1 once about 3 years before item 2's play, the newest event; half-life 1 day
    const t0 = 1_600_000_000;
    const events = [
      { item: 0, ts: t0 },
      { item: 0, ts: t0 + day },
      { item: 1, ts: t0 + day },
      { item: 2, ts: t0 + 1_100 * day },
    ];
    const m = buildInteractionMatrix(events.map((e, k) => ({ userId: `u${k}`, itemId: `i${e.item}`, timestamp: e.ts })));
    const index = (item: number) => m.itemIds.indexOf(`i${item}`);
    const trend = buildTrend(m, 3, 1);
    const got = trendScores(trend, t0 + 2 * day);
    expect([...got].some(Number.isNaN)).toBe(false);
    const want = bruteTrend(
      events.map((e) => ({ item: index(e.item), ts: e.ts })),
      3,
      t0 + 2 * day,
      1,
    );
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(want[i] as number, 12);
    expect(got[index(0)]).toBe(1);
    expect(got[index(2)]).toBe(0);
  });

  it.each([
    [1_000, 100],
    [1_023, 100],
    [500, 600],
  ])('stays the definition at T %i half-lives before the newest event, its events %i half-lives before T', (back, age) => {
    const day = 86_400;
    const at = 1_700_000_000;
    // half-life 1 day: item 0 played at T − age days, item 1 a day earlier, item 2 at T + back days (the newest event)
    const events = [
      { item: 0, ts: at - age * day },
      { item: 1, ts: at - (age + 1) * day },
      { item: 2, ts: at + back * day },
    ];
    const m = buildInteractionMatrix(events.map((e, k) => ({ userId: `u${k}`, itemId: `i${e.item}`, timestamp: e.ts })));
    const index = (item: number) => m.itemIds.indexOf(`i${item}`);
    const got = trendScores(buildTrend(m, 3, 1), at);
    expect([got[index(0)], got[index(1)], got[index(2)]]).toEqual([1, 0.5, 0]);
  });

  it('equals the definition at times before, between and after the training events, over many checkpoints', () => {
    const data = generateMusicDataset({ seed: 3, users: 300, songs: 120, podcasts: 30, eventsPerUser: 15 });
    const m = buildInteractionMatrix(data.interactions);
    const n = m.itemIds.length;
    const trend = buildTrend(m, n, 30);
    const events: { item: number; ts: number }[] = [];
    for (let p = 0; p < m.eventItems.length; p++) events.push({ item: m.eventItems[p] as number, ts: m.eventTs[p] as number });
    const times = events.map((e) => e.ts).sort((a, b) => a - b);
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    const probes = [first - 1, first, times[Math.floor(times.length / 3)] as number, (first + last) / 2, last - 1, last, last + 86_400];
    for (const at of probes) {
      const got = trendScores(trend, at);
      const want = bruteTrend(events, n, at, 30);
      expect(got.length).toBe(n);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i] as number, 9);
    }
    // before any event nothing is popular yet
    expect(Math.max(...trendScores(trend, first - 1))).toBe(0);
  });
});

describe('exploration slots with a filter', () => {
  it('fills the slots with the best-matching cold items that pass the filter, newest first on ties', () => {
    const data = generateMusicDataset({ seed: 5, users: 150, songs: 80, podcasts: 20, eventsPerUser: 12 });
    const model = trainModel(data, { recipe: 'user-personalization', params: { tune: false, explorationWeight: 0.2 } });
    const genreOf = new Map(data.items.map((i) => [i.itemId, i.props.GENRE]));
    const user = data.users[0]?.userId as string;
    // cold items: same metadata as two items of the user's history, and others
    const liked = data.interactions.filter((i) => i.userId === user).map((i) => i.itemId);
    const likedGenre = genreOf.get(liked[liked.length - 1] as string);
    const cold = Array.from({ length: 12 }, (_, k) => ({
      itemId: `cold-${k}`,
      props: { CONTENT_TYPE: 'song', GENRE: k % 2 === 0 ? (likedGenre as string) : 'nothing-alike' },
    }));
    addItems(model, cold);
    const all = recommend(model, { userId: user, numResults: 10 });
    const coldShown = all.map((r) => r.itemId).filter((id) => id.startsWith('cold-'));
    expect(coldShown).toEqual(['cold-10', 'cold-8']); // 2 slots of 10: best affinity (liked genre), newest first
    const blocked = new Set(['cold-10']);
    const filtered = recommend(model, { userId: user, numResults: 10, filter: (id) => !blocked.has(id) });
    expect(filtered.map((r) => r.itemId).filter((id) => id.startsWith('cold-'))).toEqual(['cold-8', 'cold-6']);
  });
});
