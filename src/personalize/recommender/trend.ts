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

/** trend(T) / max over items (length = items of the index). T at or after the newest event is cached. */
export function trendScores(t: TrendIndex, at: number): Float64Array {
  const latest = at >= t.refTs;
  if (latest) {
    const hit = latestCache.get(t);
    if (hit) return hit;
  }
  const n = t.ptr.length - 1;
  const out = new Float64Array(n);
  const scale = latest ? 1 : 2 ** ((t.refTs - at) / (t.halfLifeDays * 86_400));
  let max = 0;
  for (let i = 0; i < n; i++) {
    const start = t.ptr[i] as number;
    const end = t.ptr[i + 1] as number;
    const k = latest ? end : upperBound(t.ts, start, end, at);
    const v = k > start ? (t.cum[k - 1] as number) * scale : 0;
    out[i] = v;
    if (v > max) max = v;
  }
  if (max > 0) for (let i = 0; i < n; i++) out[i] = (out[i] as number) / max;
  if (latest) latestCache.set(t, out);
  return out;
}
