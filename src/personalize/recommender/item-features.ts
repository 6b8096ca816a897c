/**
 * Item metadata as sparse token sets with IDF weights, for the paths that have no interaction signal:
 * cold items (in the Items dataset but never interacted with, or added later with addItems) and
 * similar-items' metadata half. Tokens: `FIELD=value` for categorical strings (`|` separates multiple values),
 * `FIELD#qK` for the quintile of a numeric field, `FIELD~word` for words of long free text.
 */
import type { ItemRecord, Props, PropValue } from './types.js';

export interface ItemFeatures {
  /** Numeric fields → ascending quintile cut points, fixed at training so later items bin the same way. */
  numericCuts: Record<string, number[]>;
  vocab: string[];
  /** Number of items holding each token. */
  df: number[];
  /** Token ids per item index, ascending; empty when the item has no metadata. */
  itemTokens: Int32Array[];
  /** Items that have metadata (IDF's N). */
  itemsWithMetadata: number;
}

const IGNORED_FIELDS = new Set(['ITEM_ID', 'CREATION_TIMESTAMP']);
const TEXT_MIN_LENGTH = 100;
const MIN_DISTINCT_FOR_NUMERIC = 12;

function asNumber(v: PropValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

function numericCutsFor(records: readonly ItemRecord[]): Record<string, number[]> {
  const values = new Map<string, number[]>();
  const notNumeric = new Set<string>();
  for (const r of records) {
    for (const [field, v] of Object.entries(r.props)) {
      if (IGNORED_FIELDS.has(field) || v === null || notNumeric.has(field)) continue;
      const x = asNumber(v);
      if (!Number.isFinite(x) || typeof v === 'boolean') {
        notNumeric.add(field);
        values.delete(field);
        continue;
      }
      const list = values.get(field);
      if (list) list.push(x);
      else values.set(field, [x]);
    }
  }
  const cuts: Record<string, number[]> = {};
  for (const [field, list] of values) {
    if (new Set(list).size < MIN_DISTINCT_FOR_NUMERIC) continue; // few distinct values: categorical
    list.sort((a, b) => a - b);
    const c: number[] = [];
    for (let q = 1; q < 5; q++) c.push(list[Math.floor((q * list.length) / 5)] as number);
    cuts[field] = c;
  }
  return cuts;
}

export function emptyItemFeatures(): ItemFeatures {
  return { numericCuts: {}, vocab: [], df: [], itemTokens: [], itemsWithMetadata: 0 };
}

function tokenStrings(f: ItemFeatures, props: Props): string[] {
  const out = new Set<string>();
  for (const [field, v] of Object.entries(props)) {
    if (IGNORED_FIELDS.has(field) || v === null || v === '') continue;
    const cuts = f.numericCuts[field];
    const x = asNumber(v);
    if (cuts && Number.isFinite(x)) {
      let bin = 0;
      while (bin < cuts.length && x >= (cuts[bin] as number)) bin++;
      out.add(`${field}#q${bin}`);
      continue;
    }
    const text = String(v);
    if (text.length >= TEXT_MIN_LENGTH) {
      for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3) out.add(`${field}~${w}`);
      continue;
    }
    for (const part of text.split('|')) {
      const p = part.trim().toLowerCase();
      if (p) out.add(`${field}=${p}`);
    }
  }
  return [...out];
}

/** Sets (or replaces) the metadata of item `index`. `vocabIndex` is the runtime map of `f.vocab`. */
export function setItemMetadata(f: ItemFeatures, vocabIndex: Map<string, number>, index: number, props: Props): void {
  idfTables.delete(f);
  while (f.itemTokens.length <= index) f.itemTokens.push(new Int32Array(0));
  const old = f.itemTokens[index] as Int32Array;
  if (old.length > 0) {
    for (const t of old) f.df[t] = (f.df[t] as number) - 1;
    f.itemsWithMetadata--;
  }
  const ids = tokenStrings(f, props).map((s) => {
    let t = vocabIndex.get(s);
    if (t === undefined) {
      t = f.vocab.length;
      f.vocab.push(s);
      f.df.push(0);
      vocabIndex.set(s, t);
    }
    return t;
  });
  const tokens = Int32Array.from(ids).sort();
  for (const t of tokens) f.df[t] = (f.df[t] as number) + 1;
  if (tokens.length > 0) f.itemsWithMetadata++;
  f.itemTokens[index] = tokens;
}

export function buildItemFeatures(
  items: readonly ItemRecord[],
  itemIndex: ReadonlyMap<string, number>,
  nItems: number,
): { features: ItemFeatures; vocabIndex: Map<string, number> } {
  const features = emptyItemFeatures();
  features.numericCuts = numericCutsFor(items);
  features.itemTokens = Array.from({ length: nItems }, () => new Int32Array(0));
  const vocabIndex = new Map<string, number>();
  for (const r of items) {
    const i = itemIndex.get(r.itemId);
    if (i !== undefined) setItemMetadata(features, vocabIndex, i, r.props);
  }
  return { features, vocabIndex };
}

function idf(f: ItemFeatures, t: number): number {
  return Math.log(1 + f.itemsWithMetadata / Math.max(1, f.df[t] as number));
}

function norm(f: ItemFeatures, tokens: Int32Array): number {
  let s = 0;
  for (const t of tokens) s += idf(f, t) ** 2;
  return Math.sqrt(s);
}

/**
 * IDF of every token and TF-IDF norm of every item, computed once per state of the features (serving used to
 * take the logarithms on every request); setItemMetadata drops the table. Same arithmetic, same values.
 */
interface IdfTable {
  readonly idf: Float64Array;
  readonly norms: Float64Array;
}
const idfTables = new WeakMap<ItemFeatures, IdfTable>();

function idfTable(f: ItemFeatures): IdfTable {
  let table = idfTables.get(f);
  if (!table) {
    const w = new Float64Array(f.df.length);
    for (let t = 0; t < w.length; t++) w[t] = idf(f, t);
    const norms = new Float64Array(f.itemTokens.length);
    for (let i = 0; i < norms.length; i++) norms[i] = norm(f, f.itemTokens[i] as Int32Array);
    table = { idf: w, norms };
    idfTables.set(f, table);
  }
  return table;
}

function itemNorm(f: ItemFeatures, table: IdfTable, item: number): number {
  return item < table.norms.length ? (table.norms[item] as number) : norm(f, f.itemTokens[item] ?? new Int32Array(0));
}

/** Cosine similarity of item `i`'s TF-IDF token vector to every item < nItems (0 when either has no metadata). */
export function metadataSimilarities(f: ItemFeatures, i: number, nItems: number): Float64Array {
  const sims = new Float64Array(nItems);
  const a = f.itemTokens[i];
  if (!a || a.length === 0) return sims;
  const weight = new Map<number, number>();
  for (const t of a) weight.set(t, idf(f, t));
  const na = norm(f, a);
  for (let j = 0; j < nItems; j++) {
    const b = f.itemTokens[j];
    if (!b || b.length === 0 || j === i) continue;
    let dotp = 0;
    for (const t of b) {
      const w = weight.get(t);
      if (w !== undefined) dotp += w * w;
    }
    if (dotp > 0) sims[j] = dotp / (na * norm(f, b));
  }
  return sims;
}

/**
 * Affinity of each candidate item to a weighted set of history items: cosine of the candidate's TF-IDF vector
 * with the weighted mean of the history items' (normalised) vectors. 0 when nothing is shared.
 */
export function metadataAffinity(f: ItemFeatures, history: ReadonlyMap<number, number>, candidates: readonly number[]): Float64Array {
  const profile = new Map<number, number>();
  const table = idfTable(f);
  const idfOf = table.idf;
  let totalWeight = 0;
  for (const [item, w] of history) {
    const tokens = f.itemTokens[item];
    if (!tokens || tokens.length === 0) continue;
    totalWeight += w;
    const n = itemNorm(f, table, item);
    for (const t of tokens) profile.set(t, (profile.get(t) ?? 0) + (w * (idfOf[t] as number)) / n);
  }
  const out = new Float64Array(candidates.length);
  if (totalWeight === 0) return out;
  let profileNorm = 0;
  for (const v of profile.values()) profileNorm += v * v;
  profileNorm = Math.sqrt(profileNorm);
  candidates.forEach((c, k) => {
    const tokens = f.itemTokens[c];
    if (!tokens || tokens.length === 0) return;
    let dotp = 0;
    for (const t of tokens) dotp += (profile.get(t) ?? 0) * (idfOf[t] as number);
    if (dotp > 0) out[k] = dotp / (profileNorm * itemNorm(f, table, c));
  });
  return out;
}
