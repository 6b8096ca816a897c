/**
 * From score vectors to a ranked list: seen items out (by default), caller's exclude/filter applied,
 * popularity as tie-break and back-fill (a user with no usable history gets the popularity list),
 * and, for user-personalization, a few slots for cold items ranked by metadata affinity (exploration).
 */
import { metadataAffinity } from './item-features.js';
import type { TrainedModel } from './model.js';
import type { HistoryWeights, ProfileEvent, ScoringOptions } from './scoring.js';
import { accumulateItemScores, historyWeights } from './scoring.js';
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

const maxima = new WeakMap<Float32Array, number>();

/** max(v, 0), once per array (the popularity vector is replaced, not changed in place, when items are added). */
function maxOf(v: Float32Array): number {
  let m = maxima.get(v);
  if (m === undefined) {
    m = 0;
    for (let i = 0; i < v.length; i++) if ((v[i] as number) > m) m = v[i] as number;
    maxima.set(v, m);
  }
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

/** The `k` best cold items by metadata affinity (then newest); the caller's filter runs only on the leaders. */
function coldCandidates(model: TrainedModel, weights: HistoryWeights, req: RankRequest, seen: ReadonlySet<number>, k: number): number[] {
  const first = model.warmItemCount;
  const count = model.itemIds.length - first;
  if (count <= 0) return [];
  const candidates: number[] = new Array(count);
  for (let n = 0; n < count; n++) candidates[n] = first + n;
  const affinity = metadataAffinity(model.features, weights.long, candidates);
  candidates.sort((x, y) => (affinity[y - first] as number) - (affinity[x - first] as number) || y - x); // best affinity, then newest
  const out: number[] = [];
  for (const c of candidates) {
    if (out.length >= k) break;
    if (allowed(model, req, seen, c)) out.push(c);
  }
  return out;
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

/** Two scratch vectors per catalogue size, reused by every request (ranking is synchronous). */
let scratchLong = new Float64Array(0);
let scratchRecent = new Float64Array(0);
let scratchTrend = new Float64Array(0);

function maxOf64(v: Float64Array, n: number): number {
  let max = 0;
  for (let j = 0; j < n; j++) if ((v[j] as number) > max) max = v[j] as number;
  return max;
}

/**
 * Expansion (pseudo-relevance feedback): the `depth` best unseen items of `pers` (positive scores only) are
 * taken as if the user had them, and their item-item rows, weighted by those scores, are accumulated into `out`.
 * A second step through the item-item model for users whose one or two items give a thin first step.
 */
function expansionScores(
  model: TrainedModel,
  pers: Float64Array,
  seen: ReadonlySet<number>,
  opts: ScoringOptions,
  out: Float64Array,
): void {
  const n = model.warmItemCount;
  const top = new TopK(opts.expansionDepth);
  for (let j = 0; j < n; j++) {
    const v = pers[j] as number;
    if (v > 0 && v > top.threshold && !seen.has(j)) top.push(j, v);
  }
  const seeds = new Map<number, number>();
  for (const r of top.sorted()) seeds.set(r.index, r.score);
  out.fill(0);
  accumulateItemScores(model, seeds, opts, out);
}

/**
 * The user's scores over warm items, in one vector:
 *   pers = (1 − α)·long/max(long) + α·recent/max(recent)   (see scoring.ts)
 *   pers + expansionWeight × expansion/max(expansion) + trendWeight × trend at the user's latest event.
 * Reused scratch vectors instead of new ones per request.
 */
function personalScores(
  model: TrainedModel,
  events: readonly ProfileEvent[],
  seen: ReadonlySet<number>,
  weights: HistoryWeights,
  opts: ScoringOptions,
): Float64Array {
  const n = model.warmItemCount;
  if (scratchLong.length < n) {
    scratchLong = new Float64Array(n);
    scratchRecent = new Float64Array(n);
  }
  if (model.trend && scratchTrend.length < model.trend.ptr.length - 1) scratchTrend = new Float64Array(model.trend.ptr.length - 1);
  const long = scratchLong.subarray(0, n).fill(0);
  const recent = scratchRecent.subarray(0, n).fill(0);
  accumulateItemScores(model, weights.long, opts, long);
  if (opts.recencyWeight > 0) accumulateItemScores(model, weights.recent, opts, recent);
  const maxLong = maxOf64(long, n);
  const maxRecent = maxOf64(recent, n);
  const a = opts.recencyWeight;
  for (let j = 0; j < n; j++) {
    const l = maxLong > 0 ? (long[j] as number) / maxLong : (long[j] as number);
    const r = maxRecent > 0 ? (recent[j] as number) / maxRecent : (recent[j] as number);
    long[j] = (1 - a) * l + a * r;
  }
  const last = events[events.length - 1];
  const trend = model.trend && opts.trendWeight > 0 && last !== undefined ? trendScores(model.trend, last.ts, scratchTrend) : undefined;
  const tw = opts.trendWeight;
  const nTrend = trend ? Math.min(n, trend.length) : 0;
  const ew = opts.expansionWeight;
  // the recent vector is spent: it holds the expansion
  const expansion = ew > 0 && opts.expansionDepth > 0 ? recent : undefined;
  if (expansion) expansionScores(model, long, seen, opts, expansion);
  const maxExpansion = expansion ? maxOf64(expansion, n) : 0;
  if (maxExpansion > 0) {
    const scale = ew / maxExpansion;
    for (let j = 0; j < n; j++) long[j] = (long[j] as number) + scale * ((expansion as Float64Array)[j] as number);
  }
  for (let j = 0; j < nTrend; j++) long[j] = (long[j] as number) + tw * ((trend as Float64Array)[j] as number);
  return long;
}

/** Ranks items for one user's events with the model's method. */
export function rankForEvents(model: TrainedModel, events: readonly ProfileEvent[], req: RankRequest, opts: ScoringOptions): RankedIndex[] {
  const seen = new Set(events.map((e) => e.item));
  if (model.method === 'popularity' || events.length === 0)
    return popularShares(model, topWarmItems(model, undefined, req, seen, req.numResults));
  const weights = historyWeights(events, opts);
  const scores = personalScores(model, events, seen, weights, opts);
  if (model.recipe !== 'user-personalization' || model.params.explorationWeight <= 0) {
    return topWarmItems(model, scores, req, seen, req.numResults);
  }
  const slots = Math.min(req.numResults, Math.round(req.numResults * model.params.explorationWeight));
  const cold = slots > 0 ? coldCandidates(model, weights, req, seen, slots) : [];
  const warm = topWarmItems(model, scores, req, seen, req.numResults);
  return cold.length === 0 ? warm : withExplorationSlots(warm, cold, req.numResults);
}
