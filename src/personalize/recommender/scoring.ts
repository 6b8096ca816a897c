/**
 * Scoring one user: the user's events (training history + recorded real-time events + events passed with the
 * request) become two weighted item sets, and the item-item model turns each into a score vector:
 *   long   = every event, weight 2^(−Δt / half-life) with Δt counted back from the user's latest event
 *   recent = the last `recentEvents` events, weight 1
 * score = (1 − α)·long / max(long) + α·recent / max(recent). The recent part is what makes a few podcast plays
 * change a songs-only user's list at once (Personalize's real-time personalization).
 */
import type { RealtimeEvent, TrainedModel } from './model.js';

export interface ProfileEvent {
  item: number;
  ts: number;
}

export interface ScoringOptions {
  recencyWeight: number;
  recentEvents: number;
  halfLifeDays: number | null;
  maxHistory: number;
  knnNeighbors: number;
  trendWeight: number;
  expansionWeight: number;
  expansionDepth: number;
}

export function scoringOptions(model: TrainedModel, overrides: Partial<ScoringOptions> = {}): ScoringOptions {
  const p = model.params;
  return {
    recencyWeight: overrides.recencyWeight ?? p.recencyWeight,
    recentEvents: overrides.recentEvents ?? p.recentEvents,
    halfLifeDays: overrides.halfLifeDays === undefined ? p.halfLifeDays : overrides.halfLifeDays,
    maxHistory: overrides.maxHistory ?? p.maxHistory,
    knnNeighbors: overrides.knnNeighbors ?? p.knnNeighbors,
    trendWeight: overrides.trendWeight ?? p.trendWeight ?? 0,
    // models saved before the expansion existed have no such parameter: off
    expansionWeight: overrides.expansionWeight ?? p.expansionWeight ?? 0,
    expansionDepth: overrides.expansionDepth ?? p.expansionDepth ?? 10,
  };
}

/** The user's known events: training history, then recorded real-time events, then `extra`; sorted by time. */
export function userEvents(model: TrainedModel, userId: string | undefined, extra: readonly ProfileEvent[]): ProfileEvent[] {
  const out: ProfileEvent[] = [];
  const u = userId === undefined ? undefined : model.userIndex.get(userId);
  if (u !== undefined) {
    for (let p = model.userPtr[u] as number; p < (model.userPtr[u + 1] as number); p++) {
      out.push({ item: model.eventItems[p] as number, ts: model.eventTs[p] as number });
    }
  }
  const recorded: readonly RealtimeEvent[] = userId === undefined ? [] : (model.realtime.get(userId) ?? []);
  out.push(...recorded, ...extra);
  // stable sort keeps training < recorded < request order for equal timestamps
  if (recorded.length > 0 || extra.length > 0) out.sort((a, b) => a.ts - b.ts);
  return out;
}

export interface HistoryWeights {
  long: Map<number, number>;
  recent: Map<number, number>;
}

export function historyWeights(events: readonly ProfileEvent[], opts: ScoringOptions): HistoryWeights {
  const long = new Map<number, number>();
  const recent = new Map<number, number>();
  const start = Math.max(0, events.length - opts.maxHistory);
  const latest = events.length > 0 ? (events[events.length - 1] as ProfileEvent).ts : 0;
  const halfLifeSeconds = opts.halfLifeDays === null ? Number.POSITIVE_INFINITY : opts.halfLifeDays * 86_400;
  for (let e = start; e < events.length; e++) {
    const { item, ts } = events[e] as ProfileEvent;
    const w = Number.isFinite(halfLifeSeconds) ? 2 ** (-(latest - ts) / halfLifeSeconds) : 1;
    if (w > (long.get(item) ?? 0)) long.set(item, w);
    if (e >= events.length - opts.recentEvents) recent.set(item, 1);
  }
  return { long, recent };
}

/** out[j] += Σ_i w_i · sim(i, j) over warm items j. */
export function accumulateItemScores(
  model: TrainedModel,
  weights: ReadonlyMap<number, number>,
  opts: ScoringOptions,
  out: Float64Array,
): void {
  const n = model.warmItemCount;
  if (model.method === 'ease' && model.easeWeights) {
    const b = model.easeWeights;
    for (const [i, w] of weights) {
      if (i >= n) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) + w * (b[row + j] as number);
    }
    return;
  }
  const nb = model.neighbors;
  if (!nb) return;
  for (const [i, w] of weights) {
    if (i >= n) continue;
    const start = nb.ptr[i] as number;
    // sparse EASE rows are weights of a regression: all of them count; kNN rows are cut at knnNeighbors
    const end = model.method === 'ease' ? (nb.ptr[i + 1] as number) : Math.min(nb.ptr[i + 1] as number, start + opts.knnNeighbors);
    for (let p = start; p < end; p++) {
      const j = nb.idx[p] as number;
      out[j] = (out[j] as number) + w * (nb.val[p] as number);
    }
  }
}
