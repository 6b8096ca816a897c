/**
 * The two item-item models behind user-personalization and similar-items.
 *
 * EASE (Steck 2019): G = XᵀX + λI, P = G⁻¹, B = −P / diag(P) column-wise, diag(B) = 0; score = h·B.
 *   O(n³) fit and n² memory: only for catalogs up to a few thousand items.
 * Item-kNN: cosine on the binary user × item matrix with a shrink term,
 *   sim(i,j) = c_ij / (√(n_i·n_j) + shrink), keeping each item's top-k neighbours (CSR, best first).
 *   Cost Σ_users |items|²; memory n·k.
 */
import type { Csr } from './interaction-matrix.js';
import { transposeCsr } from './interaction-matrix.js';
import { invertSpdInPlace } from './linalg.js';

export interface NeighborLists {
  ptr: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Gram matrix XᵀX of the binary user × item matrix restricted to items < nItems, as dense Float64. */
export function gramMatrix(userItems: Csr, nItems: number): Float64Array {
  const g = new Float64Array(nItems * nItems);
  const rows = userItems.ptr.length - 1;
  for (let r = 0; r < rows; r++) {
    const start = userItems.ptr[r] as number;
    const end = userItems.ptr[r + 1] as number;
    for (let p = start; p < end; p++) {
      const a = userItems.idx[p] as number;
      if (a >= nItems) continue;
      const rowA = a * nItems;
      for (let q = start; q < end; q++) {
        const b = userItems.idx[q] as number;
        if (b < nItems) g[rowA + b] = (g[rowA + b] as number) + 1;
      }
    }
  }
  return g;
}

/** EASE weights B (row-major n × n, Float32). `gram` is consumed (overwritten). */
export function easeFromGram(gram: Float64Array, nItems: number, lambda: number): Float32Array {
  for (let i = 0; i < nItems; i++) gram[i * nItems + i] = (gram[i * nItems + i] as number) + lambda;
  invertSpdInPlace(gram, nItems);
  const b = new Float32Array(nItems * nItems);
  for (let i = 0; i < nItems; i++) {
    const row = i * nItems;
    for (let j = 0; j < nItems; j++) {
      if (i !== j) b[row + j] = -(gram[row + j] as number) / (gram[j * nItems + j] as number);
    }
  }
  return b;
}

export function fitEase(userItems: Csr, nItems: number, lambda: number): Float32Array {
  return easeFromGram(gramMatrix(userItems, nItems), nItems, lambda);
}

/** Mean of diag(XᵀX) = mean number of distinct users per item; the scale EASE's λ is chosen against. */
export function meanItemDegree(userItems: Csr, nItems: number): number {
  let total = 0;
  for (let p = 0; p < userItems.idx.length; p++) if ((userItems.idx[p] as number) < nItems) total++;
  return nItems > 0 ? total / nItems : 0;
}

/** Cosine item-item neighbours for items < nItems. */
export function fitItemKnn(userItems: Csr, nItems: number, maxNeighbors: number, shrink: number): NeighborLists {
  const itemUsers = transposeCsr(userItems, Math.max(nItems, maxIndex(userItems) + 1));
  const degree = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) degree[i] = (itemUsers.ptr[i + 1] as number) - (itemUsers.ptr[i] as number);
  const acc = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const sims = new Float64Array(nItems);
  const ptr = new Int32Array(nItems + 1);
  const idxParts: Int32Array[] = [];
  const valParts: Float32Array[] = [];
  let total = 0;
  for (let i = 0; i < nItems; i++) {
    let nTouched = 0;
    for (let p = itemUsers.ptr[i] as number; p < (itemUsers.ptr[i + 1] as number); p++) {
      const u = itemUsers.idx[p] as number;
      for (let q = userItems.ptr[u] as number; q < (userItems.ptr[u + 1] as number); q++) {
        const j = userItems.idx[q] as number;
        if (j === i || j >= nItems) continue;
        if (acc[j] === 0) touched[nTouched++] = j;
        acc[j] = (acc[j] as number) + 1;
      }
    }
    const kept = keepTopK(touched, nTouched, acc, Math.sqrt(degree[i] as number), degree, shrink, maxNeighbors, sims);
    idxParts.push(touched.slice(0, kept));
    valParts.push(Float32Array.from(sims.subarray(0, kept)));
    for (let t = 0; t < nTouched; t++) acc[touched[t] as number] = 0;
    total += kept;
    ptr[i + 1] = total;
  }
  const idx = new Int32Array(total);
  const val = new Float32Array(total);
  for (let i = 0; i < nItems; i++) {
    idx.set(idxParts[i] as Int32Array, ptr[i] as number);
    val.set(valParts[i] as Float32Array, ptr[i] as number);
  }
  return { ptr, idx, val };
}

function maxIndex(a: Csr): number {
  let m = -1;
  for (let p = 0; p < a.idx.length; p++) if ((a.idx[p] as number) > m) m = a.idx[p] as number;
  return m;
}

/** Does entry a rank before entry b (higher similarity, then lower item index)? */
function ranksBefore(items: Int32Array, sims: Float64Array, a: number, b: number): boolean {
  const sa = sims[a] as number;
  const sb = sims[b] as number;
  return sa > sb || (sa === sb && (items[a] as number) < (items[b] as number));
}

function swapEntries(items: Int32Array, sims: Float64Array, a: number, b: number): void {
  const ti = items[a] as number;
  items[a] = items[b] as number;
  items[b] = ti;
  const ts = sims[a] as number;
  sims[a] = sims[b] as number;
  sims[b] = ts;
}

/** Lomuto partition of [lo, hi] around the middle entry; returns the pivot's final position. */
function partition(items: Int32Array, sims: Float64Array, lo: number, hi: number): number {
  swapEntries(items, sims, (lo + hi) >> 1, hi);
  let store = lo;
  for (let t = lo; t < hi; t++) {
    if (ranksBefore(items, sims, t, hi)) swapEntries(items, sims, t, store++);
  }
  swapEntries(items, sims, store, hi);
  return store;
}

/** In-place quicksort of entries [lo, hi] best first (insertion sort below 16 entries). */
function sortEntries(items: Int32Array, sims: Float64Array, lo: number, hi: number): void {
  while (hi - lo >= 16) {
    const p = partition(items, sims, lo, hi);
    if (p - lo < hi - p) {
      sortEntries(items, sims, lo, p - 1);
      lo = p + 1;
    } else {
      sortEntries(items, sims, p + 1, hi);
      hi = p - 1;
    }
  }
  for (let t = lo + 1; t <= hi; t++) {
    for (let u = t; u > lo && ranksBefore(items, sims, u, u - 1); u--) swapEntries(items, sims, u, u - 1);
  }
}

/**
 * Turns the co-occurrence counts of the `count` touched items into cosine similarities and moves the best
 * `k` (by similarity, ties to the lower index) to the front of `items`/`sims`, sorted best first.
 * Quickselect + quicksort of the kept prefix on the two parallel typed arrays: O(count + k log k).
 */
function keepTopK(
  items: Int32Array,
  count: number,
  acc: Float64Array,
  rootDegree: number,
  degree: Float64Array,
  shrink: number,
  k: number,
  sims: Float64Array,
): number {
  for (let t = 0; t < count; t++) {
    const j = items[t] as number;
    sims[t] = (acc[j] as number) / (rootDegree * Math.sqrt(degree[j] as number) + shrink);
  }
  const kept = Math.min(k, count);
  let lo = 0;
  let hi = count - 1;
  while (kept < count && lo < hi) {
    const p = partition(items, sims, lo, hi);
    if (p === kept) break;
    if (p < kept) lo = p + 1;
    else hi = p - 1;
  }
  sortEntries(items, sims, 0, kept - 1);
  return kept;
}
