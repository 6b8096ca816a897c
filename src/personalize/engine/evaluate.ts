/**
 * Offline evaluation the way Personalize computes solution metrics (see holdout.ts for the split and
 * metrics.ts for the definitions): train on the other users, then for each held-out user recommend 25 items
 * from their oldest interactions and compare with their newest.
 */
import { evaluateModel } from './evaluate-model.js';
import { holdoutSplit } from './holdout.js';
import type { SolutionMetrics } from './metrics.js';
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
