/**
 * EASE for catalogues too large for the dense inverse (O(n³) time, n² memory): each item's column of B is solved on
 * its own neighbourhood only. For item j with N(j) = its `k` most co-occurring items (cosine, as item-kNN),
 *   B[N(j), j] = (G[N,N] + λI)⁻¹ · G[N, j],   B[i, j] = 0 for i ∉ N(j) (so B[j, j] = 0 as in EASE),
 * i.e. the same ridge regression of column j on the other items that EASE solves, restricted to the items that
 * can matter (items that never co-occur with j get no weight from the full solution's data term either).
 * Cost: the co-occurrence rows (Σ_users |items|²) plus one k × k Cholesky solve per item (n·k³/3); memory n·k.
 * The result is stored as item → (item, weight) rows (in no particular order) and scored like item-kNN, all entries.
 */
import type { Csr } from './interaction-matrix.js';
import { transposeCsr } from './interaction-matrix.js';
import type { NeighborLists } from './item-item.js';
import { TopK } from './top-k.js';

/** Solves (A) x = b in place for symmetric positive-definite A (k × k, row-major); returns false if not SPD. */
function choleskySolve(a: Float64Array, k: number, b: Float64Array): boolean {
  for (let j = 0; j < k; j++) {
    const rj = j * k;
    let d = a[rj + j] as number;
    for (let p = 0; p < j; p++) d -= (a[rj + p] as number) ** 2;
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    a[rj + j] = l;
    for (let i = j + 1; i < k; i++) {
      const ri = i * k;
      let s = a[ri + j] as number;
      for (let p = 0; p < j; p++) s -= (a[ri + p] as number) * (a[rj + p] as number);
      a[ri + j] = s / l;
    }
  }
  for (let i = 0; i < k; i++) {
    let s = b[i] as number;
    for (let p = 0; p < i; p++) s -= (a[i * k + p] as number) * (b[p] as number);
    b[i] = s / (a[i * k + i] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let p = i + 1; p < k; p++) s -= (a[p * k + i] as number) * (b[p] as number);
    b[i] = s / (a[i * k + i] as number);
  }
  return true;
}

/**
 * Co-occurrence counts of every item pair (rows in no particular order), and each item's neighbourhood: its `k`
 * items of highest cosine (ties to the lower index), best first.
 */
function cooccurrence(
  userItems: Csr,
  nItems: number,
  k: number,
): { ptr: Int32Array; idx: Int32Array; val: Float32Array; degree: Float64Array; hoodPtr: Int32Array; hood: Int32Array } {
  const itemUsers = transposeCsr(userItems, nItems);
  const degree = new Float64Array(nItems);
  const acc = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const ptr = new Int32Array(nItems + 1);
  const hoodPtr = new Int32Array(nItems + 1);
  const idxParts: Int32Array[] = [];
  const valParts: Float32Array[] = [];
  const hoodParts: Int32Array[] = [];
  for (let i = 0; i < nItems; i++) degree[i] = (itemUsers.ptr[i + 1] as number) - (itemUsers.ptr[i] as number);
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
    const top = new TopK(k);
    const row = touched.slice(0, nTouched);
    const counts = new Float32Array(nTouched);
    for (let t = 0; t < nTouched; t++) {
      const j = row[t] as number;
      counts[t] = acc[j] as number;
      top.push(j, (acc[j] as number) / Math.sqrt((degree[i] as number) * (degree[j] as number)));
      acc[j] = 0;
    }
    const best = Int32Array.from(top.sorted(), (r) => r.index);
    idxParts.push(row);
    valParts.push(counts);
    hoodParts.push(best);
    ptr[i + 1] = (ptr[i] as number) + nTouched;
    hoodPtr[i + 1] = (hoodPtr[i] as number) + best.length;
  }
  const idx = new Int32Array(ptr[nItems] as number);
  const val = new Float32Array(ptr[nItems] as number);
  const hood = new Int32Array(hoodPtr[nItems] as number);
  for (let i = 0; i < nItems; i++) {
    idx.set(idxParts[i] as Int32Array, ptr[i] as number);
    val.set(valParts[i] as Float32Array, ptr[i] as number);
    hood.set(hoodParts[i] as Int32Array, hoodPtr[i] as number);
  }
  return { ptr, idx, val, degree, hoodPtr, hood };
}

/** Neighbourhood-restricted EASE weights as rows i → (j, B[i][j]). */
export function fitSparseEase(userItems: Csr, nItems: number, neighbors: number, lambda: number): NeighborLists {
  const co = cooccurrence(userItems, nItems, neighbors);
  const pos = new Int32Array(nItems).fill(-1);
  const cooc = new Float64Array(nItems);
  const colPtr = new Int32Array(nItems + 1);
  const colRows: Int32Array[] = [];
  const colVals: Float32Array[] = [];
  for (let j = 0; j < nItems; j++) {
    const hood = co.hood.subarray(co.hoodPtr[j] as number, co.hoodPtr[j + 1] as number);
    const k = hood.length;
    for (let a = 0; a < k; a++) pos[hood[a] as number] = a;
    for (let p = co.ptr[j] as number; p < (co.ptr[j + 1] as number); p++) cooc[co.idx[p] as number] = co.val[p] as number;
    const g = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const item = hood[a] as number;
      g[a * k + a] = (co.degree[item] as number) + lambda;
      rhs[a] = cooc[item] as number;
      for (let p = co.ptr[item] as number; p < (co.ptr[item + 1] as number); p++) {
        const b = pos[co.idx[p] as number] as number;
        if (b >= 0) g[a * k + b] = co.val[p] as number;
      }
    }
    for (let a = 0; a < k; a++) pos[hood[a] as number] = -1;
    for (let p = co.ptr[j] as number; p < (co.ptr[j + 1] as number); p++) cooc[co.idx[p] as number] = 0;
    if (k > 0 && !choleskySolve(g, k, rhs)) rhs.fill(0);
    colRows.push(Int32Array.from(hood));
    colVals.push(Float32Array.from(rhs));
    colPtr[j + 1] = (colPtr[j] as number) + k;
  }
  // columns (per j) → rows (per i), each row sorted by weight
  const rowCount = new Int32Array(nItems + 1);
  for (const rows of colRows) for (const i of rows) rowCount[i + 1] = (rowCount[i + 1] as number) + 1;
  for (let i = 0; i < nItems; i++) rowCount[i + 1] = (rowCount[i + 1] as number) + (rowCount[i] as number);
  const fill = rowCount.slice(0, nItems);
  const idx = new Int32Array(rowCount[nItems] as number);
  const val = new Float32Array(rowCount[nItems] as number);
  colRows.forEach((rows, j) => {
    const vals = colVals[j] as Float32Array;
    rows.forEach((i, a) => {
      const at = fill[i] as number;
      idx[at] = j;
      val[at] = vals[a] as number;
      fill[i] = at + 1;
    });
  });
  return { ptr: rowCount, idx, val };
}
