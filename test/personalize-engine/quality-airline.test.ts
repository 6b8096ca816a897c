import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Datasets, RecipeName } from '../../src/personalize/engine/index.js';
import { evaluateRecipe, parseInteractionsCsv, parseItemsCsv, parseUsersCsv } from '../../src/personalize/engine/index.js';

const SEEDS = [1, 2, 3];

/** Mean NDCG@10 over three Personalize-style splits (10 % of users held out, newest 10 % as truth). */
function meanNdcg10(data: Datasets, recipe: RecipeName): number {
  const values = SEEDS.map(
    (seed) => evaluateRecipe(data, { recipe, seed, holdoutFraction: 0.1 }).metrics.normalized_discounted_cumulative_gain_at_10,
  );
  return values.reduce((s, v) => s + v, 0) / values.length;
}

describe('user-personalization vs popularity-count (NDCG@10, mean of 3 splits)', () => {
  it('airline data: at least 1.2× popularity (measured ≈ 0.157 vs 0.113)', () => {
    const dir = '/work/shared/data/airline-personalize';
    const airline: Datasets = {
      interactions: parseInteractionsCsv(readFileSync(`${dir}/df_interactions.csv`, 'utf8')).records,
      items: parseItemsCsv(readFileSync(`${dir}/df_item_deduplicated.csv`, 'utf8')).records,
      users: parseUsersCsv(readFileSync(`${dir}/df_users_deduplicated.csv`, 'utf8')).records,
    };
    const personal = meanNdcg10(airline, 'user-personalization');
    const popular = meanNdcg10(airline, 'popularity-count');
    expect(personal).toBeGreaterThanOrEqual(1.2 * popular);
  });
});
