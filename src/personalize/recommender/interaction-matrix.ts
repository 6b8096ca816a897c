/**
 * Interactions as compact typed arrays: string ids → dense indices, each user's events in time order (CSR),
 * the user × item binary matrix (unique items per user) and its transpose.
 */
import type { Interaction } from './types.js';

export interface InteractionMatrix {
  itemIds: string[];
  itemIndex: Map<string, number>;
  /** Items [0, warmItemCount) have interactions; the rest come only from the Items dataset. */
  warmItemCount: number;
  userIds: string[];
  userIndex: Map<string, number>;
  /** Events of user u are eventItems/eventTs[userPtr[u] .. userPtr[u+1]), oldest first. */
  userPtr: Int32Array;
  eventItems: Int32Array;
  eventTs: Float64Array;
}

/** Compressed sparse rows: row r holds idx[ptr[r] .. ptr[r+1]). */
export interface Csr {
  ptr: Int32Array;
  idx: Int32Array;
}

function indexOf(map: Map<string, number>, list: string[], id: string): number {
  let i = map.get(id);
  if (i === undefined) {
    i = list.length;
    map.set(id, i);
    list.push(id);
  }
  return i;
}

/**
 * Items and users are numbered in first-seen order of the interactions; `knownItemIds` (the Items dataset)
 * that never occur in the interactions come after them, so items [0, warmItemCount) are exactly the
 * items with interactions. Ties in TIMESTAMP keep the input order.
 */
export function buildInteractionMatrix(interactions: readonly Interaction[], knownItemIds: Iterable<string> = []): InteractionMatrix {
  const itemIds: string[] = [];
  const itemIndex = new Map<string, number>();
  const userIds: string[] = [];
  const userIndex = new Map<string, number>();
  const n = interactions.length;
  const evUser = new Int32Array(n);
  const evItem = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const it = interactions[e] as Interaction;
    evUser[e] = indexOf(userIndex, userIds, it.userId);
    evItem[e] = indexOf(itemIndex, itemIds, it.itemId);
  }
  const warmItemCount = itemIds.length;
  for (const id of knownItemIds) indexOf(itemIndex, itemIds, id);
  const nUsers = userIds.length;
  const userPtr = new Int32Array(nUsers + 1);
  for (let e = 0; e < n; e++) {
    const slot = (evUser[e] as number) + 1;
    userPtr[slot] = (userPtr[slot] as number) + 1;
  }
  for (let u = 0; u < nUsers; u++) userPtr[u + 1] = (userPtr[u + 1] as number) + (userPtr[u] as number);
  const fill = userPtr.slice(0, nUsers);
  const order = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const u = evUser[e] as number;
    order[fill[u] as number] = e;
    fill[u] = (fill[u] as number) + 1;
  }
  const ts = (e: number): number => (interactions[e] as Interaction).timestamp;
  for (let u = 0; u < nUsers; u++) {
    const slice = order.subarray(userPtr[u], userPtr[u + 1]);
    let sorted = true;
    for (let k = 1; k < slice.length && sorted; k++) sorted = ts(slice[k - 1] as number) <= ts(slice[k] as number);
    if (!sorted) slice.sort((a, b) => ts(a) - ts(b) || a - b);
  }
  const eventItems = new Int32Array(n);
  const eventTs = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const e = order[p] as number;
    eventItems[p] = evItem[e] as number;
    eventTs[p] = ts(e);
  }
  return { itemIds, itemIndex, warmItemCount, userIds, userIndex, userPtr, eventItems, eventTs };
}

/**
 * Unique items per user (binary user × item matrix), keeping each user's `maxPerUser` most recently used items.
 * Row order within a user is most recent first.
 */
export function uniqueUserItems(m: InteractionMatrix, maxPerUser: number, users?: ArrayLike<number>): Csr {
  const nItems = m.itemIds.length;
  const rows = users ?? Int32Array.from({ length: m.userIds.length }, (_, u) => u);
  const mark = new Int32Array(nItems).fill(-1);
  const ptr = new Int32Array(rows.length + 1);
  const out: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const u = rows[r] as number;
    let kept = 0;
    for (let p = (m.userPtr[u + 1] as number) - 1; p >= (m.userPtr[u] as number) && kept < maxPerUser; p--) {
      const i = m.eventItems[p] as number;
      if (mark[i] === r) continue;
      mark[i] = r;
      out.push(i);
      kept++;
    }
    ptr[r + 1] = out.length;
  }
  return { ptr, idx: Int32Array.from(out) };
}

/** Transpose of a CSR matrix with `nCols` columns. */
export function transposeCsr(a: Csr, nCols: number): Csr {
  const nRows = a.ptr.length - 1;
  const ptr = new Int32Array(nCols + 1);
  for (let p = 0; p < a.idx.length; p++) {
    const slot = (a.idx[p] as number) + 1;
    ptr[slot] = (ptr[slot] as number) + 1;
  }
  for (let c = 0; c < nCols; c++) ptr[c + 1] = (ptr[c + 1] as number) + (ptr[c] as number);
  const fill = ptr.slice(0, nCols);
  const idx = new Int32Array(a.idx.length);
  for (let r = 0; r < nRows; r++) {
    for (let p = a.ptr[r] as number; p < (a.ptr[r + 1] as number); p++) {
      const c = a.idx[p] as number;
      idx[fill[c] as number] = r;
      fill[c] = (fill[c] as number) + 1;
    }
  }
  return { ptr, idx };
}
