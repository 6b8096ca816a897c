/**
 * From score vectors to a ranked list: seen items out (by default), caller's exclude/filter applied,
 * popularity as tie-break and back-fill (a user with no usable history gets the popularity list),
 * and, for user-personalization, a few slots for cold items ranked by metadata affinity (exploration).
 */
import { metadataAffinity } from './item-features.js';
import type { TrainedModel } from './model.js';
import type { HistoryWeights, ProfileEvent, ScoringOptions } from './scoring.js';
import { combineParts, historyWeights, scoreParts } from './scoring.js';
import { TopK } from './top-k.js';
import { trendScores } from './trend.js';

export interface RankRequest {
  numResults: number;
  excludeSeen: boolean;
  exclude?: (itemId: string) => boolean;
  filter?: (itemId: string) => boolean;
}

export interface RankedIndex {
  index: number;
  score: number;
}

/** Popularity tie-break scale: far below any personal score difference that matters. */
const POPULARITY_TIE_BREAK = 1e-6;

function maxOf(v: Float32Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if ((v[i] as number) > m) m = v[i] as number;
  return m;
}

function allowed(model: TrainedModel, req: RankRequest, seen: ReadonlySet<number>, i: number): boolean {
  if (req.excludeSeen && seen.has(i)) return false;
  const id = model.itemIds[i] as string;
  if (req.exclude?.(id)) return false;
  if (req.filter && !req.filter(id)) return false;
  return true;
}

/** Best `k` warm items by `scores` (or popularity when scores is undefined). */
export function topWarmItems(
  model: TrainedModel,
  scores: Float64Array | undefined,
  req: RankRequest,
  seen: ReadonlySet<number>,
  k: number,
): RankedIndex[] {
  const top = new TopK(k);
  const pop = model.popularity;
  const popScale = POPULARITY_TIE_BREAK / Math.max(1, maxOf(pop));
  for (let i = 0; i < model.warmItemCount; i++) {
    const s = scores ? (scores[i] as number) + (pop[i] as number) * popScale : (pop[i] as number);
    if (s <= top.threshold) continue;
    if (allowed(model, req, seen, i)) top.push(i, s);
  }
  return top.sorted();
}

function coldCandidates(model: TrainedModel, weights: HistoryWeights, req: RankRequest, seen: ReadonlySet<number>, k: number): number[] {
  const candidates: number[] = [];
  for (let i = model.warmItemCount; i < model.itemIds.length; i++) {
    if (allowed(model, req, seen, i)) candidates.push(i);
  }
  if (candidates.length === 0) return [];
  const affinity = metadataAffinity(model.features, weights.long, candidates);
  const order = candidates.map((c, n) => ({ c, a: affinity[n] as number }));
  order.sort((x, y) => y.a - x.a || y.c - x.c); // best affinity, then newest (highest index)
  return order.slice(0, k).map((o) => o.c);
}

/** Inserts cold items at evenly spread ranks; each takes the score of the item ranked just above it. */
function withExplorationSlots(warm: RankedIndex[], cold: number[], numResults: number): RankedIndex[] {
  const out = warm.slice(0, Math.max(0, numResults - cold.length));
  cold.forEach((c, s) => {
    const pos = Math.min(out.length, Math.floor((numResults * (s + 1)) / (cold.length + 1)));
    const above = out[pos - 1]?.score ?? out[0]?.score ?? 0;
    out.splice(pos, 0, { index: c, score: above });
  });
  return out;
}

/**
 * Popularity lists score each item by its share of training users (0..1), so that a cold-start answer (a user
 * without history: Personalize answers with popular items) carries meaningful scores instead of zeros.
 */
function popularShares(model: TrainedModel, ranked: RankedIndex[]): RankedIndex[] {
  const users = Math.max(1, model.userIds.length);
  return ranked.map((r) => ({ index: r.index, score: r.score / users }));
}

/** scores += trendWeight × time-aware popularity at the user's latest event (users with history only). */
function addTrend(model: TrainedModel, events: readonly ProfileEvent[], opts: ScoringOptions, scores: Float64Array): void {
  const last = events[events.length - 1];
  if (!model.trend || opts.trendWeight <= 0 || last === undefined) return;
  const trend = trendScores(model.trend, last.ts);
  const n = Math.min(scores.length, trend.length);
  for (let i = 0; i < n; i++) scores[i] = (scores[i] as number) + opts.trendWeight * (trend[i] as number);
}

/** Ranks items for one user's events with the model's method. */
export function rankForEvents(model: TrainedModel, events: readonly ProfileEvent[], req: RankRequest, opts: ScoringOptions): RankedIndex[] {
  const seen = new Set(events.map((e) => e.item));
  if (model.method === 'popularity' || events.length === 0)
    return popularShares(model, topWarmItems(model, undefined, req, seen, req.numResults));
  const weights = historyWeights(events, opts);
  const scores = combineParts(scoreParts(model, weights, opts), opts.recencyWeight);
  addTrend(model, events, opts, scores);
  if (model.recipe !== 'user-personalization' || model.params.explorationWeight <= 0) {
    return topWarmItems(model, scores, req, seen, req.numResults);
  }
  const slots = Math.min(req.numResults, Math.round(req.numResults * model.params.explorationWeight));
  const cold = slots > 0 ? coldCandidates(model, weights, req, seen, slots) : [];
  const warm = topWarmItems(model, scores, req, seen, req.numResults);
  return cold.length === 0 ? warm : withExplorationSlots(warm, cold, req.numResults);
}
