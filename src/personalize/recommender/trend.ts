/**
 * Time-aware popularity ("what was popular when this user was last active"): for a reference time T,
 *   trend_i(T) = Σ over training events e of item i with t_e ≤ T of 2^(−(T − t_e) / half-life)
 * Only events up to T count (causal: at serving time T is the user's latest event, i.e. about now).
 * Stored per item as sorted event times and prefix sums of 2^((t − tRef)/h), tRef = the newest event, so
 * trend_i(T) = prefix_i(k) · 2^((tRef − T)/h) with k = #events of i at or before T: one binary search per item.
 * user-personalization adds trendWeight × trend/max(trend) to its item-item scores (weight tuned on validation).
 */
import type { InteractionMatrix } from './interaction-matrix.js';

export interface TrendIndex {
  /** Events of item i are ts/cum[ptr[i] .. ptr[i+1]), time order. */
  ptr: Int32Array;
  ts: Float64Array;
  /** cum[p] = Σ_{q ≤ p, same item} 2^((ts[q] − refTs)/h). */
  cum: Float64Array;
  refTs: number;
  halfLifeDays: number;
}

export function buildTrend(
  m: Pick<InteractionMatrix, 'userPtr' | 'eventItems' | 'eventTs'>,
  nItems: number,
  halfLifeDays: number,
): TrendIndex {
  const ptr = new Int32Array(nItems + 1);
  let refTs = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < m.eventItems.length; p++) {
    const i = m.eventItems[p] as number;
    if (i < nItems) ptr[i + 1] = (ptr[i + 1] as number) + 1;
    if ((m.eventTs[p] as number) > refTs) refTs = m.eventTs[p] as number;
  }
  for (let i = 0; i < nItems; i++) ptr[i + 1] = (ptr[i + 1] as number) + (ptr[i] as number);
  const fill = ptr.slice(0, nItems);
  const ts = new Float64Array(ptr[nItems] as number);
  for (let p = 0; p < m.eventItems.length; p++) {
    const i = m.eventItems[p] as number;
    if (i < nItems) {
      ts[fill[i] as number] = m.eventTs[p] as number;
      fill[i] = (fill[i] as number) + 1;
    }
  }
  const h = halfLifeDays * 86_400;
  const cum = new Float64Array(ts.length);
  for (let i = 0; i < nItems; i++) {
    const start = ptr[i] as number;
    const end = ptr[i + 1] as number;
    ts.subarray(start, end).sort();
    let acc = 0;
    for (let p = start; p < end; p++) {
      acc += 2 ** (((ts[p] as number) - refTs) / h);
      cum[p] = acc;
    }
  }
  return { ptr, ts, cum, refTs: Number.isFinite(refTs) ? refTs : 0, halfLifeDays };
}

/** Index of the first entry in ts[lo, hi) greater than t. */
function upperBound(ts: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const latestCache = new WeakMap<TrendIndex, Float64Array>();

/**
 * For serving at an arbitrary T without a binary search per item: every event in time order (time, item, the
 * increment buildTrend added for it) and, at `CHECKPOINTS` event-count quantiles, each item's running sum.
 * trend at T = the snapshot below T plus the few events between it and T, added in time order: per item the same
 * additions in the same order as the prefix sums of buildTrend, so the same values to the bit.
 */
interface TrendTimeline {
  order: Float64Array;
  items: Int32Array;
  inc: Float64Array;
  /** snapshot c = per-item sums of events [c·step, …) — stored flat, n per snapshot. */
  snapshots: Float64Array;
  step: number;
  count: number;
}

/** At most this many snapshot values (8 bytes each) per model. */
const SNAPSHOT_BUDGET = 4_000_000;
const CHECKPOINTS = 64;
const timelines = new WeakMap<TrendIndex, TrendTimeline>();

function timelineOf(t: TrendIndex): TrendTimeline {
  const cached = timelines.get(t);
  if (cached) return cached;
  const n = t.ptr.length - 1;
  const events = t.ts.length;
  const owner = new Int32Array(events);
  for (let i = 0; i < n; i++) owner.fill(i, t.ptr[i] as number, t.ptr[i + 1] as number);
  const perm = new Int32Array(events);
  for (let p = 0; p < events; p++) perm[p] = p;
  perm.sort((a, b) => (t.ts[a] as number) - (t.ts[b] as number) || a - b);
  const h = t.halfLifeDays * 86_400;
  const order = new Float64Array(events);
  const items = new Int32Array(events);
  const inc = new Float64Array(events);
  for (let q = 0; q < events; q++) {
    const p = perm[q] as number;
    order[q] = t.ts[p] as number;
    items[q] = owner[p] as number;
    inc[q] = 2 ** (((t.ts[p] as number) - t.refTs) / h);
  }
  const count = Math.max(1, Math.min(CHECKPOINTS, Math.floor(SNAPSHOT_BUDGET / Math.max(1, n))));
  const step = Math.max(1, Math.ceil(events / count));
  const snapshots = new Float64Array(count * n);
  const acc = new Float64Array(n);
  for (let c = 0, q = 0; c < count; c++) {
    const until = Math.min(events, c * step);
    for (; q < until; q++) acc[items[q] as number] = (acc[items[q] as number] as number) + (inc[q] as number);
    snapshots.set(acc, c * n);
  }
  const timeline = { order, items, inc, snapshots, step, count };
  timelines.set(t, timeline);
  return timeline;
}

/** Per-item Σ of increments of the events at or before `at`, into `out` (length n). */
function sumsAt(t: TrendIndex, at: number, out: Float64Array): void {
  const tl = timelineOf(t);
  const n = out.length;
  const k = upperBound(tl.order, 0, tl.order.length, at);
  const c = Math.min(tl.count - 1, Math.floor(k / tl.step));
  out.set(tl.snapshots.subarray(c * n, (c + 1) * n));
  for (let q = c * tl.step; q < k; q++) out[tl.items[q] as number] = (out[tl.items[q] as number] as number) + (tl.inc[q] as number);
}

/**
 * trend_i(T) up to a factor common to all items, into `out`; returns the maximum. Summed relative to the newest event
 * at or before T (2^((t_e − t_newest)/h)), so the top item has a term of exactly 1 and nothing it needs underflows;
 * trendScores divides by the maximum, which removes the factor.
 */
function sumsRelativeToNewest(t: TrendIndex, at: number, out: Float64Array): number {
  const h = t.halfLifeDays * 86_400;
  const ends = new Int32Array(out.length);
  let newest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < out.length; i++) {
    const start = t.ptr[i] as number;
    const end = upperBound(t.ts, start, t.ptr[i + 1] as number, at);
    ends[i] = end;
    if (end > start && (t.ts[end - 1] as number) > newest) newest = t.ts[end - 1] as number;
  }
  let max = 0;
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let p = t.ptr[i] as number; p < (ends[i] as number); p++) v += 2 ** (((t.ts[p] as number) - newest) / h);
    out[i] = v;
    if (v > max) max = v;
  }
  return max;
}

/**
 * T further than this many half-lives before the newest event is summed by sumsRelativeToNewest: the stored
 * increments 2^((t − newest)/h) become subnormal past 1,022 half-lives and 0 past 1,074, and the scale back to T is
 * infinite past 1,024 (0 × ∞ = NaN). 960 leaves more than 60 half-lives of room below T for the events that count.
 */
const FAR_BACK_HALF_LIVES = 960;

/**
 * trend(T) / max over items (length = items of the index). T at or after the newest event is cached (do not
 * change the returned vector); for an earlier T the vector is written into `into` when given (serving passes a
 * reused buffer of at least that length) and returned.
 */
export function trendScores(t: TrendIndex, at: number, into?: Float64Array): Float64Array {
  const latest = at >= t.refTs;
  if (latest) {
    const hit = latestCache.get(t);
    if (hit) return hit;
  }
  const n = t.ptr.length - 1;
  const out = !latest && into && into.length >= n ? into.subarray(0, n) : new Float64Array(n);
  const scale = latest ? 1 : 2 ** ((t.refTs - at) / (t.halfLifeDays * 86_400));
  let max = 0;
  if (!latest && (t.refTs - at) / (t.halfLifeDays * 86_400) > FAR_BACK_HALF_LIVES) {
    max = sumsRelativeToNewest(t, at, out);
  } else if (latest) {
    for (let i = 0; i < n; i++) {
      const start = t.ptr[i] as number;
      const end = t.ptr[i + 1] as number;
      const v = end > start ? (t.cum[end - 1] as number) * scale : 0;
      out[i] = v;
      if (v > max) max = v;
    }
  } else {
    sumsAt(t, at, out);
    for (let i = 0; i < n; i++) {
      const v = (out[i] as number) * scale;
      out[i] = v;
      if (v > max) max = v;
    }
    // every event at or before T so much older than the newest that its stored increment underflowed to 0
    if (max === 0) max = sumsRelativeToNewest(t, at, out);
  }
  if (max > 0) for (let i = 0; i < n; i++) out[i] = (out[i] as number) / max;
  if (latest) latestCache.set(t, out);
  return out;
}
