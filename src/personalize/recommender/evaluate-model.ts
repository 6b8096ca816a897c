/** Metrics of a trained model on held-out cases (shared by evaluateRecipe and validation tuning). */
import type { HoldoutCase } from './holdout.js';
import type { SolutionMetrics, UserMetrics } from './metrics.js';
import { aggregateMetrics, userMetrics } from './metrics.js';
import type { TrainedModel } from './model.js';
import type { RankRequest } from './rank.js';
import { rankForEvents } from './rank.js';
import type { ProfileEvent, ScoringOptions } from './scoring.js';
import { scoringOptions } from './scoring.js';

export const EVALUATION_DEPTH = 25;

export function caseEvents(model: TrainedModel, c: HoldoutCase): ProfileEvent[] {
  const out: ProfileEvent[] = [];
  for (const it of c.input) {
    const item = model.itemIndex.get(it.itemId);
    if (item !== undefined) out.push({ item, ts: it.timestamp });
  }
  return out;
}

/** Metrics of a trained model on held-out cases. `overrides` changes scoring options without refitting. */
export function evaluateModel(
  model: TrainedModel,
  cases: readonly HoldoutCase[],
  catalogSize: number,
  overrides: Partial<ScoringOptions> = {},
): SolutionMetrics {
  // Exploration slots are a campaign setting (Personalize's itemExplorationConfig), not part of the solution
  // version its metrics describe: offline metrics rank without them.
  const scored = model.params.explorationWeight > 0 ? { ...model, params: { ...model.params, explorationWeight: 0 } } : model;
  const opts = scoringOptions(scored, overrides);
  const req: RankRequest = { numResults: EVALUATION_DEPTH, excludeSeen: true };
  const perUser: UserMetrics[] = [];
  const recommended = new Set<string>();
  for (const c of cases) {
    const ranked = rankForEvents(scored, caseEvents(scored, c), req, opts).map((r) => scored.itemIds[r.index] as string);
    for (const id of ranked) recommended.add(id);
    perUser.push(userMetrics(ranked, c.relevant));
  }
  return aggregateMetrics(perUser, recommended, catalogSize);
}
