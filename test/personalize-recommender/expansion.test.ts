/**
 * The expansion (pseudo-relevance feedback, rank.ts): the user's best-scored unseen items seed a second step
 * through the item-item model, so an item two steps away from a one-item history moves up.
 */
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/personalize/recommender/index.js';
import { deserializeModel, generateMusicDataset, recommend, serializeModel, trainModel } from '../../src/personalize/recommender/index.js';

/** 40 users played A then B, 40 played B then C, nobody played A and C; 300 others played two of 20 fillers. */
function chain(): Interaction[] {
  const out: Interaction[] = [];
  const add = (userId: string, items: string[], day: number): void => {
    items.forEach((itemId, k) => {
      out.push({ userId, itemId, timestamp: 1_700_000_000 + day * 86_400 + k * 60, eventType: 'play' });
    });
  };
  for (let u = 0; u < 40; u++) add(`ab-${u}`, ['A', 'B'], u);
  for (let u = 0; u < 40; u++) add(`bc-${u}`, ['B', 'C'], u);
  for (let u = 0; u < 300; u++) add(`f-${u}`, [`F${u % 20}`, `F${(u * 7 + 3) % 20}`], u % 40);
  return out;
}

const params = { tune: false, method: 'ease' as const, trendWeight: 0, explorationWeight: 0 };
const history: Interaction[] = [{ userId: 'new-user', itemId: 'A', timestamp: 1_800_000_000, eventType: 'play' }];
const ids = (model: ReturnType<typeof trainModel>): string[] =>
  recommend(model, { userId: 'new-user', history, numResults: 5 }).map((r) => r.itemId);

describe('expansion', () => {
  it('puts C (A → B → C, never played with A) right after B for a user who played A; off, C is not in the top 5', () => {
    const interactions = chain();
    const off = trainModel({ interactions }, { recipe: 'user-personalization', params });
    const on = trainModel({ interactions }, { recipe: 'user-personalization', params: { ...params, expansionWeight: 0.5 } });
    expect(ids(off)[0]).toBe('B');
    expect(ids(off)).not.toContain('C');
    expect(ids(on).slice(0, 2)).toEqual(['B', 'C']);
    // a saved model keeps the weight; a model saved before the parameter existed scores without expansion
    expect(ids(deserializeModel(serializeModel(on)))).toEqual(ids(on));
    const old = deserializeModel(serializeModel(on));
    delete (old.params as Partial<typeof old.params>).expansionWeight;
    expect(ids(old)).toEqual(ids(off));
    // a model that ranks with the expansion is format 2, which a mesh that reads format 1 only refuses (it would
    // otherwise rank without the expansion, without a word); one without it stays format 1
    expect([off.formatVersion, on.formatVersion]).toEqual([1, 2]);
    expect(() => deserializeModel(serializeModel({ ...on, formatVersion: 3 as 2 }))).toThrow(
      /format version 3, newer than this mesh reads/,
    );
    expect(() => deserializeModel(serializeModel({ ...on, formatVersion: 1.5 as 2 }))).toThrow(
      /Not a mesh recommendation model: unsupported format version 1.5/,
    );
  });

  it('is a tuned choice: validation tries weights 0.25 and 0.5 on the best trend trial and keeps the best of them and off', () => {
    const data = generateMusicDataset({ seed: 5, users: 600 });
    const model = trainModel(data, { recipe: 'user-personalization', seed: 1 });
    const trials = model.stats.tuning?.trials ?? [];
    const expansion = trials.filter((t) => t.expansionWeight !== undefined);
    expect(expansion.map((t) => t.expansionWeight).sort()).toEqual([0.25, 0.5]);
    const best = trials[0];
    expect(model.params.expansionWeight).toBe(best?.expansionWeight ?? 0);
    // the expansion is tried on the best trial of the first two stages, trend included, and changes nothing else
    const [bestBefore] = trials.filter((t) => t.expansionWeight === undefined);
    for (const t of expansion)
      expect({ ...t, expansionWeight: undefined, ndcgAt10: 0 }).toEqual({ ...bestBefore, expansionWeight: undefined, ndcgAt10: 0 });
  });
});
