import { describe, expect, it } from 'vitest';
import type { HoldoutCase, Interaction, ItemRecord } from '../../src/personalize/recommender/index.js';
import {
  evaluateModel,
  evaluateRecipe,
  holdoutSplit,
  METRIC_NAMES,
  trainModel,
  userMetrics,
} from '../../src/personalize/recommender/index.js';

const ids = (n: number, prefix = 'x'): string[] => Array.from({ length: n }, (_, k) => `${prefix}${k}`);

describe('userMetrics (the worked examples of the Personalize docs)', () => {
  it('NDCG@5 with relevant items at ranks 2 and 5 is (1/log 3 + 1/log 6) / (1/log 2 + 1/log 3) = 0.6241', () => {
    const ranked = ['a', 'R1', 'b', 'c', 'R2'];
    expect(userMetrics(ranked, new Set(['R1', 'R2'])).normalized_discounted_cumulative_gain_at_5).toBeCloseTo(0.6241, 4);
  });

  it('MRR@25 over users with first hits at ranks 4, 2 and 6 is (1/4 + 1/2 + 1/6) / 3 = 0.3056', () => {
    const at = (rank: number): string[] => ids(25).map((x, k) => (k === rank - 1 ? 'HIT' : x));
    const mrr = [4, 2, 6].map((r) => userMetrics(at(r), new Set(['HIT'])).mean_reciprocal_rank_at_25);
    expect(mrr.reduce((s, v) => s + v, 0) / 3).toBeCloseTo(0.3056, 4);
  });

  it('precision@10 with 3 hits in the top 10 is 0.30', () => {
    const ranked = ['H1', 'a', 'H2', 'b', 'c', 'd', 'e', 'H3', 'f', 'g'];
    expect(userMetrics(ranked, new Set(['H1', 'H2', 'H3'])).precision_at_10).toBeCloseTo(0.3, 10);
  });
});

describe('holdout split', () => {
  it('holds out users, gives the oldest events as input and the newest 10 % (at least 1) as truth', () => {
    const interactions: Interaction[] = [];
    // user "long": 20 events on items L0..L19 (shuffled insertion order); "pair": 2 events; "single": 1 event
    for (const k of [5, 3, 19, 0, 18, 1, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]) {
      interactions.push({ userId: 'long', itemId: `L${k}`, timestamp: 1000 + k });
    }
    interactions.push({ userId: 'pair', itemId: 'P1', timestamp: 5 }, { userId: 'pair', itemId: 'P0', timestamp: 1 });
    interactions.push({ userId: 'single', itemId: 'S0', timestamp: 1 });
    const split = holdoutSplit(interactions, { holdoutFraction: 1, seed: 1 });
    expect(split.train).toEqual([]);
    expect(split.heldOutUsers).toBe(3);
    expect(split.skippedUsers).toBe(1); // "single" has no input
    const long = split.cases.find((c) => c.userId === 'long');
    expect(long?.input.map((e) => e.itemId)).toEqual(ids(18, 'L'));
    expect([...(long?.relevant ?? [])]).toEqual(['L18', 'L19']); // ceil(20 × 0.1) = 2 newest
    const pair = split.cases.find((c) => c.userId === 'pair');
    expect(pair?.input.map((e) => e.itemId)).toEqual(['P0']);
    expect([...(pair?.relevant ?? [])]).toEqual(['P1']);
  });

  it('holds out round(10 %) of users with a seed, the same seed giving the same users', () => {
    const interactions: Interaction[] = ids(200, 'u').flatMap((u) => [
      { userId: u, itemId: 'a', timestamp: 1 },
      { userId: u, itemId: 'b', timestamp: 2 },
    ]);
    const a = holdoutSplit(interactions, { holdoutFraction: 0.1, seed: 3 });
    const b = holdoutSplit(interactions, { holdoutFraction: 0.1, seed: 3 });
    const c = holdoutSplit(interactions, { holdoutFraction: 0.1, seed: 4 });
    expect(a.cases).toHaveLength(20);
    expect(a.train).toHaveLength(360);
    expect(a.cases.map((x) => x.userId)).toEqual(b.cases.map((x) => x.userId));
    expect(a.cases.map((x) => x.userId)).not.toEqual(c.cases.map((x) => x.userId));
  });
});

describe('evaluation metrics computed by hand', () => {
  // Training data for popularity-count: distinct users per item A:5, B:4, C:3, D:2, E:1.
  // Item F exists only in the Items dataset (never interacted with), so the catalog has 6 items.
  const train: Interaction[] = [];
  const counts: [string, number][] = [
    ['A', 5],
    ['B', 4],
    ['C', 3],
    ['D', 2],
    ['E', 1],
  ];
  for (const [item, n] of counts) for (let u = 0; u < n; u++) train.push({ userId: `u${u}`, itemId: item, timestamp: 100 });
  const items: ItemRecord[] = ['A', 'B', 'C', 'D', 'E', 'F'].map((itemId) => ({ itemId, props: { KIND: 'x' } }));
  const test = (userId: string, input: string[], relevant: string[]): HoldoutCase => ({
    userId,
    input: input.map((itemId, k) => ({ userId, itemId, timestamp: 200 + k })),
    relevant: new Set(relevant),
  });
  const cases = [test('t1', ['A'], ['C']), test('t2', ['B'], ['A', 'E']), test('t3', ['A', 'B'], ['F'])];

  it('matches the hand-computed values', () => {
    const model = trainModel({ interactions: train, items }, { recipe: 'popularity-count' });
    const m = evaluateModel(model, cases, 6);
    // Popularity order A B C D E; seen items are excluded:
    //   t1 (saw A)    → B C D E      relevant {C}   : hit at rank 2
    //   t2 (saw B)    → A C D E      relevant {A,E} : hits at ranks 1 and 4
    //   t3 (saw A, B) → C D E        relevant {F}   : no hit (F is never recommended)
    // precision@5  = (1/5 + 2/5 + 0) / 3 = 0.2;  @10 = (1/10 + 2/10 + 0) / 3 = 0.1;  @25 = (1/25 + 2/25) / 3 = 0.04
    // NDCG (same at 5, 10, 25: all hits are in the top 5):
    //   t1 = (1/log2 3) / (1/log2 2)                       = 0.630930
    //   t2 = (1/log2 2 + 1/log2 5) / (1/log2 2 + 1/log2 3) = 1.430677 / 1.630930 = 0.877215
    //   mean = (0.630930 + 0.877215 + 0) / 3               = 0.502715
    // MRR@25 = (1/2 + 1/1 + 0) / 3 = 0.5
    // coverage = |{A,B,C,D,E}| / |{A..F}| = 5/6 = 0.833333
    expect(m.precision_at_5).toBeCloseTo(0.2, 10);
    expect(m.precision_at_10).toBeCloseTo(0.1, 10);
    expect(m.precision_at_25).toBeCloseTo(0.04, 10);
    for (const k of [5, 10, 25] as const) {
      expect(m[`normalized_discounted_cumulative_gain_at_${k}`]).toBeCloseTo(0.502715, 5);
    }
    expect(m.mean_reciprocal_rank_at_25).toBeCloseTo(0.5, 10);
    expect(m.coverage).toBeCloseTo(5 / 6, 10);
    expect(Object.keys(m).sort()).toEqual([...METRIC_NAMES].sort());
  });

  it('evaluateRecipe reports the same metrics as evaluating its own split by hand', () => {
    const interactions: Interaction[] = [...train];
    // 10 more users with 3 events each, so a 10 % holdout has users to test
    for (let u = 0; u < 10; u++) {
      ['A', 'C', u % 2 ? 'D' : 'E'].forEach((itemId, k) => {
        interactions.push({ userId: `v${u}`, itemId, timestamp: 300 + k });
      });
    }
    const result = evaluateRecipe({ interactions, items }, { recipe: 'popularity-count', holdoutFraction: 0.2, seed: 9 });
    const split = holdoutSplit(interactions, { holdoutFraction: 0.2, seed: 9 });
    const model = trainModel({ interactions: split.train, items }, { recipe: 'popularity-count' });
    expect(result.metrics).toEqual(evaluateModel(model, split.cases, 6));
    expect(result.testUsers).toBe(split.cases.length);
    expect(result.heldOutUsers).toBe(3); // round(15 users × 0.2)
  });
});
