import { describe, expect, it } from 'vitest';
import { deserializeModel, generateMusicDataset, recommend, serializeModel, trainModel } from '../../src/personalize/recommender/index.js';
import { buildInteractionMatrix, uniqueUserItems } from '../../src/personalize/recommender/interaction-matrix.js';
import { fitEase } from '../../src/personalize/recommender/item-item.js';
import { fitSparseEase } from '../../src/personalize/recommender/sparse-ease.js';
import type { Interaction } from '../../src/personalize/recommender/types.js';

/** Users' item sets over 5 items in which every pair of items co-occurs at least once. */
const BASKETS = [
  ['a', 'b', 'c'],
  ['a', 'b'],
  ['c', 'd', 'e'],
  ['a', 'd'],
  ['b', 'e', 'd'],
  ['a', 'c', 'e'],
  ['b', 'c', 'd', 'e'],
  ['a', 'e'],
];

function matrix() {
  const interactions: Interaction[] = BASKETS.flatMap((items, u) => items.map((itemId, t) => ({ userId: `u${u}`, itemId, timestamp: t })));
  const m = buildInteractionMatrix(interactions);
  return { m, userItems: uniqueUserItems(m, 100) };
}

function denseOf(nb: { ptr: Int32Array; idx: Int32Array; val: Float32Array }, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let p = nb.ptr[i] as number; p < (nb.ptr[i + 1] as number); p++) out[i * n + (nb.idx[p] as number)] = nb.val[p] as number;
  return out;
}

describe('sparse EASE (per-item ridge regression on the neighbourhood)', () => {
  it('with every other item in the neighbourhood it is exactly EASE: B = −P/diag(P), diag 0', () => {
    const { m, userItems } = matrix();
    const n = m.warmItemCount;
    const dense = fitEase(userItems, n, 2);
    const sparse = denseOf(fitSparseEase(userItems, n, n - 1, 2), n);
    for (let k = 0; k < n * n; k++) expect(sparse[k]).toBeCloseTo(dense[k] as number, 5);
    for (let i = 0; i < n; i++) expect(sparse[i * n + i]).toBe(0);
  });

  it('with smaller neighbourhoods each column keeps only its k most similar items', () => {
    const { m, userItems } = matrix();
    const n = m.warmItemCount;
    const nb = fitSparseEase(userItems, n, 2, 2);
    const perColumn = new Array<number>(n).fill(0);
    for (const j of nb.idx) perColumn[j] = (perColumn[j] as number) + 1;
    expect(perColumn).toEqual(new Array<number>(n).fill(2));
  });
});

describe('time-aware popularity (trend) in a saved model', () => {
  it('round-trips through serializeModel and ranks the same; recent popularity moves items up', () => {
    const data = generateMusicDataset({ seed: 4, users: 300, songs: 80, podcasts: 20 });
    const params = { tune: false, method: 'ease' as const, trendWeight: 0.3, trendHalfLifeDays: 30 };
    const model = trainModel(data, { recipe: 'user-personalization', params });
    expect(model.trend?.ptr.length).toBe(model.warmItemCount + 1);
    const copy = deserializeModel(serializeModel(model));
    expect(copy.trend?.refTs).toBe(model.trend?.refTs);
    const users = data.users.slice(0, 10).map((u) => u.userId);
    for (const userId of users) expect(recommend(copy, { userId, numResults: 10 })).toEqual(recommend(model, { userId, numResults: 10 }));
    const plain = trainModel(data, { recipe: 'user-personalization', params: { ...params, trendWeight: 0 } });
    expect(plain.trend).toBeUndefined();
    const differs = users.some(
      (userId) =>
        JSON.stringify(recommend(plain, { userId, numResults: 10 })) !== JSON.stringify(recommend(model, { userId, numResults: 10 })),
    );
    expect(differs).toBe(true);
  });
});
