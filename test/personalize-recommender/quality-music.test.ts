import { describe, expect, it } from 'vitest';
import type { Datasets, RecipeName } from '../../src/personalize/recommender/index.js';
import { evaluateRecipe, generateMusicDataset } from '../../src/personalize/recommender/index.js';

const SEEDS = [1, 2, 3];

/** Mean NDCG@10 over three Personalize-style splits (10 % of users held out, newest 10 % as truth). */
function meanNdcg10(data: Datasets, recipe: RecipeName): number {
  const values = SEEDS.map(
    (seed) => evaluateRecipe(data, { recipe, seed, holdoutFraction: 0.1 }).metrics.normalized_discounted_cumulative_gain_at_10,
  );
  return values.reduce((s, v) => s + v, 0) / values.length;
}

describe('user-personalization vs popularity-count (NDCG@10, mean of 3 splits)', () => {
  it('music-like synthetic data: at least 2× popularity and +0.05 absolute (measured ≈ 0.19 vs 0.058)', () => {
    const music = generateMusicDataset({ seed: 7, users: 3000 });
    const personal = meanNdcg10(music, 'user-personalization');
    const popular = meanNdcg10(music, 'popularity-count');
    expect(personal).toBeGreaterThanOrEqual(2 * popular);
    expect(personal - popular).toBeGreaterThanOrEqual(0.05);
  });
});
