/**
 * Offline evaluation the way Personalize computes solution metrics (see holdout.ts for the split and
 * metrics.ts for the definitions): train on the other users, then for each held-out user recommend 25 items
 * from their oldest interactions and compare with their newest.
 */
import { evaluateModel } from './evaluate-model.js';
import { holdoutSplit } from './holdout.js';
import type { SolutionMetrics } from './metrics.js';
import { summarizeSplits } from './metrics.js';
import type { EngineParams, TrainingStats } from './model.js';
import { trainModel } from './train.js';
import type { Datasets, RecipeName, ScoringMethod } from './types.js';

export interface EvaluateOptions {
  recipe: RecipeName;
  /** Share of users held out (Personalize: 0.1). */
  holdoutFraction?: number;
  /** Share of each held-out user's newest events used as truth (Personalize: 0.1). */
  truthFraction?: number;
  seed?: number;
  /** Which disjoint block of held-out users (holdout.ts). Default 0. */
  fold?: number;
  params?: Partial<EngineParams>;
}

export interface EvaluationResult {
  recipe: RecipeName;
  method: ScoringMethod;
  metrics: SolutionMetrics;
  trainMs: number;
  evaluateMs: number;
  testUsers: number;
  heldOutUsers: number;
  skippedUsers: number;
  trainInteractions: number;
  params: EngineParams;
  stats: TrainingStats;
}

/** Distinct items of the interactions and Items datasets: the coverage denominator. */
export function catalogSize(data: Datasets): number {
  const ids = new Set<string>();
  for (const it of data.interactions) ids.add(it.itemId);
  for (const r of data.items ?? []) ids.add(r.itemId);
  return ids.size;
}

export function evaluateRecipe(data: Datasets, options: EvaluateOptions): EvaluationResult {
  const seed = options.seed ?? 42;
  const split = holdoutSplit(data.interactions, {
    holdoutFraction: options.holdoutFraction ?? 0.1,
    ...(options.truthFraction === undefined ? {} : { truthFraction: options.truthFraction }),
    seed,
    ...(options.fold === undefined ? {} : { fold: options.fold }),
  });
  const t0 = performance.now();
  const model = trainModel(
    { interactions: split.train, ...(data.items ? { items: data.items } : {}), ...(data.users ? { users: data.users } : {}) },
    { recipe: options.recipe, ...(options.params ? { params: options.params } : {}), seed },
  );
  const trainMs = performance.now() - t0;
  const t1 = performance.now();
  const metrics = evaluateModel(model, split.cases, catalogSize(data));
  return {
    recipe: options.recipe,
    method: model.method,
    metrics,
    trainMs,
    evaluateMs: performance.now() - t1,
    testUsers: split.cases.length,
    heldOutUsers: split.heldOutUsers,
    skippedUsers: split.skippedUsers,
    trainInteractions: split.train.length,
    params: model.params,
    stats: model.stats,
  };
}

/** Repeated holdout: how the metrics were computed, so that two evaluations can be compared split by split. */
export interface SplitPlan {
  /** Number of disjoint held-out user blocks (folds 0 … count − 1 of one seeded shuffle). */
  count: number;
  seed: number;
  holdoutFraction: number;
  truthFraction: number;
}

export const DEFAULT_SPLITS = 3;

export interface SplitEvaluation {
  recipe: RecipeName;
  method: ScoringMethod;
  plan: SplitPlan;
  /** Mean over the splits (the figure to report, with `std`). */
  metrics: SolutionMetrics;
  /** Sample standard deviation over the splits. */
  std: SolutionMetrics;
  perSplit: SolutionMetrics[];
  testUsers: number[];
  trainMs: number;
  evaluateMs: number;
  params: EngineParams;
}

/**
 * Personalize's holdout repeated on `splits` disjoint blocks of users (default 3): each split trains on the
 * other users and evaluates the held-out ones; metrics are reported as mean and standard deviation.
 */
export function evaluateSplits(data: Datasets, options: Omit<EvaluateOptions, 'fold'> & { splits?: number }): SplitEvaluation {
  const plan: SplitPlan = {
    count: Math.max(1, options.splits ?? DEFAULT_SPLITS),
    seed: options.seed ?? 42,
    holdoutFraction: options.holdoutFraction ?? 0.1,
    truthFraction: options.truthFraction ?? 0.1,
  };
  const runs: EvaluationResult[] = [];
  for (let fold = 0; fold < plan.count; fold++) {
    runs.push(
      evaluateRecipe(data, {
        recipe: options.recipe,
        seed: plan.seed,
        fold,
        holdoutFraction: plan.holdoutFraction,
        truthFraction: plan.truthFraction,
        ...(options.params ? { params: options.params } : {}),
      }),
    );
  }
  const perSplit = runs.map((r) => r.metrics);
  const { mean, std } = summarizeSplits(perSplit);
  const first = runs[0] as EvaluationResult;
  return {
    recipe: options.recipe,
    method: first.method,
    plan,
    metrics: mean,
    std,
    perSplit,
    testUsers: runs.map((r) => r.testUsers),
    trainMs: runs.reduce((s, r) => s + r.trainMs, 0),
    evaluateMs: runs.reduce((s, r) => s + r.evaluateMs, 0),
    params: first.params,
  };
}
