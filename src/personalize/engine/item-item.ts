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
import { TopK } from './top-k.js';

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
    const top = new TopK(maxNeighbors);
    const di = Math.sqrt(degree[i] as number);
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t] as number;
      top.push(j, (acc[j] as number) / (di * Math.sqrt(degree[j] as number) + shrink));
      acc[j] = 0;
    }
    const best = top.sorted();
    idxParts.push(Int32Array.from(best, (b) => b.index));
    valParts.push(Float32Array.from(best, (b) => b.score));
    total += best.length;
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
