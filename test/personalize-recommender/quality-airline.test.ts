import { describe, expect, it } from 'vitest';
import type { SplitEvaluation } from '../../src/personalize/recommender/index.js';
import { evaluateSplits } from '../../src/personalize/recommender/index.js';
import { loadAirline } from '../data/airline/airline.js';

const NDCG10 = 'normalized_discounted_cumulative_gain_at_10';
const MRR25 = 'mean_reciprocal_rank_at_25';

describe('airline data, Personalize holdout repeated on 3 disjoint splits (the CLI default: seed 42)', () => {
  it('user-personalization beats the repository EASE and popularity on the same splits', () => {
    const data = loadAirline();
    const run = (recipe: 'user-personalization' | 'popularity-count', params = {}): SplitEvaluation =>
      evaluateSplits(data, { recipe, params });
    const engine = run('user-personalization');
    // the plain EASE of this repository (fixed λ = 2 × mean item degree, no tuning, no time-aware popularity)
    const ease = run('user-personalization', { method: 'ease', tune: false, trendWeight: 0 });
    const popularity = run('popularity-count');
    expect(engine.testUsers).toEqual(ease.testUsers);
    expect(ease.testUsers).toEqual(popularity.testUsers);
    // measured: engine 0.1720 ± 0.0109 (1.08 ×), EASE 0.1590 ± 0.0137, popularity 0.1151 ± 0.0092 (MRR@25 0.1417 / 0.1307)
    expect(engine.metrics[NDCG10]).toBeGreaterThanOrEqual(0.165);
    expect(engine.metrics[NDCG10]).toBeGreaterThanOrEqual(1.08 * ease.metrics[NDCG10]);
    expect(engine.metrics[MRR25]).toBeGreaterThanOrEqual(ease.metrics[MRR25]);
    expect(engine.metrics[NDCG10]).toBeGreaterThanOrEqual(1.3 * popularity.metrics[NDCG10]);
  });
});
