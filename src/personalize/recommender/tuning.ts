/**
 * Validation tuning for user-personalization: hold out `validationFraction` of the TRAINING users with the
 * same protocol as the final evaluation, fit each candidate on the rest, score NDCG@10 on the held-out ones,
 * keep the best. Fit-level choices (method, EASE λ) cost one fit each; scoring-level ones (kNN neighbours,
 * recency weight, half-life) are re-scored on the same fit.
 */
import { evaluateModel } from './evaluate-model.js';
import type { FitSpec } from './fit.js';
import { assembleModel, fitWeights, untunedMethod } from './fit.js';
import type { HoldoutCase } from './holdout.js';
import { holdoutSplit } from './holdout.js';
import type { InteractionMatrix } from './interaction-matrix.js';
import { buildInteractionMatrix, uniqueUserItems } from './interaction-matrix.js';
import { easeFromGram, fitItemKnn, gramMatrix, meanItemDegree } from './item-item.js';
import type { EngineParams, TrainedModel, TrainingStats, TuningTrial } from './model.js';
import { seededRandom, shuffleInPlace } from './random.js';
import type { ScoringOptions } from './scoring.js';
import { fitSparseEase } from './sparse-ease.js';
import { buildTrend } from './trend.js';
import type { Interaction, ItemRecord, ScoringMethod } from './types.js';

/** Fewer validation users than this → no tuning (defaults are used). */
export const MIN_VALIDATION_USERS = 20;
/** More validation users than this are sampled down (time). */
export const MAX_VALIDATION_USERS = 1500;

export interface TuningGrid {
  /** EASE λ as multiples of the mean number of distinct users per item. */
  lambdaPerDegree: number[];
  knnNeighbors: number[];
  recencyWeight: number[];
  halfLifeDays: (number | null)[];
  /** Second stage, on the best fit: weight and half-life of time-aware popularity (trend.ts); weight 0 = off. */
  trendWeight: number[];
  trendHalfLifeDays: number[];
  /** Third stage, on the best of the first two: weight of the expansion (rank.ts); 0 = off (always tried). */
  expansionWeight: number[];
}

export const DEFAULT_GRID: TuningGrid = {
  lambdaPerDegree: [0.5, 2, 8, 32],
  knnNeighbors: [25, 100, 400],
  // ≥ 0.5 on purpose: recent events must change the list at once (real-time personalization); offline,
  // 0.25 / 0.5 / 0.75 were within noise of each other on both test data sets
  recencyWeight: [0.5, 0.75],
  halfLifeDays: [null, 14],
  trendWeight: [0.15, 0.3, 0.5],
  trendHalfLifeDays: [30, 90],
  expansionWeight: [0.25, 0.5],
};

export interface TuningResult {
  method: ScoringMethod;
  params: EngineParams;
  report: NonNullable<TrainingStats['tuning']>;
}

function scoringGrid(grid: TuningGrid): Partial<ScoringOptions>[] {
  const out: Partial<ScoringOptions>[] = [];
  for (const recencyWeight of grid.recencyWeight) {
    for (const halfLifeDays of grid.halfLifeDays) out.push({ recencyWeight, halfLifeDays });
  }
  return out;
}

/** Re-scores the best trial so far on the same fit and validation users with some scoring options changed. */
function rescore(
  model: TrainedModel,
  best: TuningTrial,
  cases: readonly HoldoutCase[],
  params: EngineParams,
  extra: Pick<TuningTrial, 'trendWeight' | 'trendHalfLifeDays' | 'expansionWeight'>,
): TuningTrial {
  const trial: TuningTrial = { ...best, ...extra };
  const metrics = evaluateModel(model, cases, model.warmItemCount, {
    recencyWeight: trial.recencyWeight,
    halfLifeDays: trial.halfLifeDays,
    ...(trial.knnNeighbors === undefined ? {} : { knnNeighbors: trial.knnNeighbors }),
    // a weight the caller fixed stays as given
    trendWeight: trial.trendWeight ?? params.trendWeight,
    expansionWeight: trial.expansionWeight ?? params.expansionWeight,
  });
  return { ...trial, ndcgAt10: metrics.normalized_discounted_cumulative_gain_at_10 };
}

/** Stage two: time-aware popularity (weight × half-life) on the best stage-one fit. Returns the models by trial. */
function tuneTrend(
  m: InteractionMatrix,
  probe: TrainedModel,
  best: TuningTrial,
  cases: readonly HoldoutCase[],
  grid: TuningGrid,
  params: EngineParams,
): Map<TuningTrial, TrainedModel> {
  const out = new Map<TuningTrial, TrainedModel>();
  if (params.trendWeight > 0 || !grid.trendWeight.some((w) => w > 0)) return out;
  for (const trendHalfLifeDays of grid.trendHalfLifeDays) {
    const withTrend: TrainedModel = { ...probe, trend: buildTrend(m, m.warmItemCount, trendHalfLifeDays) };
    for (const trendWeight of grid.trendWeight) {
      if (trendWeight > 0) out.set(rescore(withTrend, best, cases, params, { trendWeight, trendHalfLifeDays }), withTrend);
    }
  }
  return out;
}

/** Stage three: the expansion weight (rank.ts) on the best trial so far (0 = off: that trial itself). */
function tuneExpansion(
  model: TrainedModel,
  best: TuningTrial,
  cases: readonly HoldoutCase[],
  grid: TuningGrid,
  params: EngineParams,
): TuningTrial[] {
  if (params.expansionWeight > 0) return [];
  return grid.expansionWeight.filter((w) => w > 0).map((expansionWeight) => rescore(model, best, cases, params, { expansionWeight }));
}

export function tuneUserPersonalization(
  interactions: readonly Interaction[],
  items: readonly ItemRecord[] | undefined,
  params: EngineParams,
  seed: number,
  grid: TuningGrid = DEFAULT_GRID,
): TuningResult {
  const split = holdoutSplit(interactions, { holdoutFraction: params.validationFraction, seed: seed + 1 });
  let cases: HoldoutCase[] = split.cases;
  if (cases.length > MAX_VALIDATION_USERS) {
    cases = shuffleInPlace([...cases], seededRandom(seed + 2)).slice(0, MAX_VALIDATION_USERS);
  }
  const m = buildInteractionMatrix(
    split.train,
    (items ?? []).map((r) => r.itemId),
  );
  const n = m.warmItemCount;
  if (cases.length < MIN_VALIDATION_USERS) {
    return { method: untunedMethod(params, n), params, report: { validationUsers: cases.length, trials: [] } };
  }
  const probeParams: EngineParams = { ...params, explorationWeight: 0 };
  const trials: TuningTrial[] = [];
  const probes = new Map<TuningTrial, TrainedModel>();
  const score = (spec: FitSpec, weights: Parameters<typeof assembleModel>[2], extra: Partial<TuningTrial>, knn?: number): void => {
    const probe = assembleModel(m, spec, weights, undefined);
    for (const overrides of scoringGrid(grid)) {
      const metrics = evaluateModel(probe, cases, n, knn === undefined ? overrides : { ...overrides, knnNeighbors: knn });
      const trial: TuningTrial = {
        method: spec.method,
        ...extra,
        recencyWeight: overrides.recencyWeight ?? params.recencyWeight,
        halfLifeDays: overrides.halfLifeDays === undefined ? params.halfLifeDays : overrides.halfLifeDays,
        ndcgAt10: metrics.normalized_discounted_cumulative_gain_at_10,
      };
      trials.push(trial);
      probes.set(trial, probe);
    }
  };
  const userItems = uniqueUserItems(m, params.maxHistory);
  if (params.method === 'auto' || params.method === 'ease') {
    const spec: FitSpec = { recipe: 'user-personalization', method: 'ease', params: probeParams };
    const degree = Math.max(1, meanItemDegree(userItems, n));
    if (n <= params.easeMaxItems) {
      const lambdas = params.easeLambda === null ? grid.lambdaPerDegree.map((f) => f * degree) : [params.easeLambda];
      const gram = gramMatrix(userItems, n);
      for (const easeLambda of lambdas) {
        score(spec, { easeWeights: easeFromGram(gram.slice(), n, easeLambda) }, { easeLambda });
      }
    } else {
      // sparse EASE (one fit costs seconds at 10k items): the default λ only
      const easeLambda = params.easeLambda ?? params.easeLambdaPerDegree * degree;
      score(spec, { neighbors: fitSparseEase(userItems, n, params.easeNeighbors, easeLambda) }, { easeLambda });
    }
  }
  if (params.method === 'auto' || params.method === 'item-knn') {
    const spec: FitSpec = { recipe: 'user-personalization', method: 'item-knn', params: probeParams };
    const maxK = Math.max(...grid.knnNeighbors);
    const neighbors = fitItemKnn(userItems, n, maxK, params.knnShrink);
    for (const k of grid.knnNeighbors) score(spec, fitWeights(m, spec, { neighbors }), { knnNeighbors: k }, k);
  }
  trials.sort((a, b) => b.ndcgAt10 - a.ndcgAt10);
  const first = trials[0] as TuningTrial;
  const firstProbe = probes.get(first) as TrainedModel;
  const trendProbes = tuneTrend(m, firstProbe, first, cases, grid, params);
  trials.push(...trendProbes.keys());
  trials.sort((a, b) => b.ndcgAt10 - a.ndcgAt10);
  const second = trials[0] as TuningTrial;
  trials.push(...tuneExpansion(trendProbes.get(second) ?? firstProbe, second, cases, grid, params));
  trials.sort((a, b) => b.ndcgAt10 - a.ndcgAt10);
  const best = trials[0] as TuningTrial;
  const tuned: EngineParams = {
    ...params,
    recencyWeight: best.recencyWeight,
    halfLifeDays: best.halfLifeDays,
    ...(best.trendWeight === undefined
      ? {}
      : { trendWeight: best.trendWeight, trendHalfLifeDays: best.trendHalfLifeDays ?? params.trendHalfLifeDays }),
    ...(best.expansionWeight === undefined ? {} : { expansionWeight: best.expansionWeight }),
    // λ scales with the data: the final fit sees all training users, the trial fit only the non-validation ones
    ...(best.easeLambda === undefined ? {} : { easeLambda: (best.easeLambda * interactions.length) / split.train.length }),
    ...(best.knnNeighbors === undefined ? {} : { knnNeighbors: best.knnNeighbors }),
  };
  return { method: best.method, params: tuned, report: { validationUsers: cases.length, trials } };
}
