import { describe, expect, it } from 'vitest';
import { differenceNoise, evaluateGate, tQuantile975 } from '../../src/personalize/gate.js';
import type { Interaction } from '../../src/personalize/recommender/index.js';
import {
  evaluateRecipe,
  evaluateSplits,
  generateMusicDataset,
  holdoutSplit,
  meanAndStd,
  summarizeSplits,
} from '../../src/personalize/recommender/index.js';

/** `users` users, each with `events` events on items I0, I1, … in time order. */
function people(users: number, events: number): Interaction[] {
  const out: Interaction[] = [];
  for (let u = 0; u < users; u++) {
    for (let e = 0; e < events; e++) out.push({ userId: `u${u}`, itemId: `I${(u + e) % 50}`, timestamp: 100 * u + e });
  }
  return out;
}

describe('mean and standard deviation over splits (hand-computed)', () => {
  it('0.10, 0.20, 0.30 → mean 0.20, sample std √((0.01 + 0 + 0.01) / 2) = 0.10', () => {
    const s = meanAndStd([0.1, 0.2, 0.3]);
    expect(s.mean).toBeCloseTo(0.2, 12);
    expect(s.std).toBeCloseTo(0.1, 12);
  });

  it('0.12, 0.15, 0.21 → mean 0.16, std √((0.0016 + 0.0001 + 0.0025) / 2) = √0.0021 = 0.045826', () => {
    const s = meanAndStd([0.12, 0.15, 0.21]);
    expect(s.mean).toBeCloseTo(0.16, 12);
    expect(s.std).toBeCloseTo(0.045826, 6);
  });

  it('one split has std 0; no split has mean 0', () => {
    expect(meanAndStd([0.4])).toEqual({ mean: 0.4, std: 0 });
    expect(meanAndStd([])).toEqual({ mean: 0, std: 0 });
  });

  it('summarizeSplits does it per metric', () => {
    const base = { coverage: 0, mean_reciprocal_rank_at_25: 0 } as Record<string, number>;
    const splits = [0.1, 0.2, 0.3].map((v) => ({ ...base, normalized_discounted_cumulative_gain_at_10: v, coverage: 2 * v }));
    const { mean, std } = summarizeSplits(splits as never);
    expect(mean.normalized_discounted_cumulative_gain_at_10).toBeCloseTo(0.2, 12);
    expect(std.normalized_discounted_cumulative_gain_at_10).toBeCloseTo(0.1, 12);
    expect(mean.coverage).toBeCloseTo(0.4, 12);
    expect(std.coverage).toBeCloseTo(0.2, 12);
  });
});

describe('repeated holdout: disjoint blocks of users', () => {
  it('folds 0, 1, 2 of one seed hold out round(10 %) of users each, no user twice, the rest train', () => {
    const interactions = people(40, 10);
    const folds = [0, 1, 2].map((fold) => holdoutSplit(interactions, { holdoutFraction: 0.1, seed: 7, fold }));
    const heldOut = folds.map((f) => f.cases.map((c) => c.userId));
    for (const users of heldOut) expect(users).toHaveLength(4);
    expect(new Set(heldOut.flat()).size).toBe(12);
    folds.forEach((f, k) => {
      const trainUsers = new Set(f.train.map((e) => e.userId));
      expect(trainUsers.size).toBe(36);
      for (const u of heldOut[k] as string[]) expect(trainUsers.has(u)).toBe(false);
    });
    // fold 0 is the single-split holdout of the same seed (what evaluateRecipe always used)
    expect(heldOut[0]).toEqual(holdoutSplit(interactions, { holdoutFraction: 0.1, seed: 7 }).cases.map((c) => c.userId));
    // each held-out user: 9 oldest events as input, the newest one as truth (ceil(10 % of 10) = 1)
    const c = folds[1]?.cases[0];
    expect(c?.input).toHaveLength(9);
    expect(c?.relevant.size).toBe(1);
  });

  it('evaluateSplits reports the mean and std of evaluateRecipe on each fold', () => {
    const data = generateMusicDataset({ seed: 5, users: 300, songs: 80, podcasts: 20 });
    const result = evaluateSplits(data, { recipe: 'user-personalization', seed: 11, params: { tune: false } });
    expect(result.plan).toEqual({ count: 3, seed: 11, holdoutFraction: 0.1, truthFraction: 0.1 });
    const byHand = [0, 1, 2].map(
      (fold) =>
        evaluateRecipe(data, { recipe: 'user-personalization', seed: 11, fold, params: { tune: false } }).metrics
          .normalized_discounted_cumulative_gain_at_10,
    );
    expect(result.perSplit.map((m) => m.normalized_discounted_cumulative_gain_at_10)).toEqual(byHand);
    const expected = meanAndStd(byHand);
    expect(result.metrics.normalized_discounted_cumulative_gain_at_10).toBeCloseTo(expected.mean, 12);
    expect(result.std.normalized_discounted_cumulative_gain_at_10).toBeCloseTo(expected.std, 12);
    expect(result.std.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(0);
  });
});

describe('gate with per-split values', () => {
  const metric = 'normalized_discounted_cumulative_gain_at_10';
  const gate = (candidate: number[], deployed: number[], sameSplits: boolean, threshold = 0.005) =>
    evaluateGate({
      metric,
      threshold,
      candidate: { [metric]: meanAndStd(candidate).mean },
      deployed: { [metric]: meanAndStd(deployed).mean },
      candidateSplits: candidate,
      deployedSplits: deployed,
      sameSplits,
    });

  it('same splits: paired differences −0.01, 0, +0.01 → se = 0.01/√3, band = t(2) · se = 4.303 × 0.005774 = 0.02484', () => {
    const noise = differenceNoise([0.2, 0.22, 0.24], [0.21, 0.22, 0.23], true);
    expect(noise).toEqual({ band: expect.closeTo(0.02484, 5), splits: 3, paired: true });
    expect(tQuantile975(2)).toBe(4.303);
  });

  it('different splits: se = √(sd_c²/3 + sd_d²/3) = √(0.0004/3 + 0.0001/3) = 0.01291, band = 4.303 × se = 0.05555', () => {
    const noise = differenceNoise([0.2, 0.22, 0.24], [0.21, 0.22, 0.23], false);
    expect(noise).toEqual({ band: expect.closeTo(0.05555, 5), splits: 3, paired: false });
  });

  it('a drop beyond the threshold but within noise passes and says so', () => {
    // candidate 0.19 vs 0.20: drop 0.01 > threshold 0.005; paired diffs −0.03, +0.01, −0.01 → band 0.0497
    const v = gate([0.17, 0.21, 0.19], [0.2, 0.2, 0.2], true);
    expect(v.pass).toBe(true);
    expect(v.noise).toMatchObject({ withinNoise: true, paired: true, splits: 3 });
    expect(v.reason).toContain('within noise ±0.0497 over 3 same splits');
  });

  it('a consistent drop on the same splits is beyond noise and refused', () => {
    // paired diffs −0.02, −0.021, −0.019: mean −0.02, sd 0.001 → band 4.303 × 0.000577 = 0.0025
    const v = gate([0.18, 0.179, 0.181], [0.2, 0.2, 0.2], true);
    expect(v.pass).toBe(false);
    expect(v.change).toBeCloseTo(-0.02, 12);
    expect(v.reason).toContain('is 0.0200 below the deployed 0.2000 (allowed drop 0.0050; beyond noise ±0.0025 over 3 same splits)');
  });

  it('without per-split values it behaves as before (threshold only, no noise)', () => {
    const v = evaluateGate({ metric, threshold: 0.005, candidate: { [metric]: 0.19 }, deployed: { [metric]: 0.2 } });
    expect(v.pass).toBe(false);
    expect(v.noise).toBeUndefined();
  });
});
