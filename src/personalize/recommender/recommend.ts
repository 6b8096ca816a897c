/**
 * Serving: recommendations for a user (GetRecommendations with userId), related items (GetRecommendations with
 * itemId), real-time events (PutEvents) and new items (PutItems). addItems and recordEvents change the model
 * in place, like a campaign that takes events and catalog updates without retraining.
 */
import { metadataSimilarities, setItemMetadata } from './item-features.js';
import type { TrainedModel } from './model.js';
import type { RankRequest } from './rank.js';
import { rankForEvents } from './rank.js';
import type { ProfileEvent } from './scoring.js';
import { scoringOptions, userEvents } from './scoring.js';
import { TopK } from './top-k.js';
import type { Interaction, ItemRecord, ScoredItem } from './types.js';

export interface RecommendRequest {
  userId: string;
  /** Default 25 (Personalize's default numResults). */
  numResults?: number;
  /** Events that happened after training (in addition to those stored with recordEvents). */
  history?: readonly Interaction[];
  /** Drop items for which this returns true (e.g. a Personalize exclude filter). */
  exclude?: (itemId: string) => boolean;
  /** Keep only items for which this returns true (e.g. an include filter). */
  filter?: (itemId: string) => boolean;
  /** Exclude items the user already interacted with. Default true. */
  excludeSeen?: boolean;
}

function toProfileEvents(model: TrainedModel, history: readonly Interaction[] | undefined): ProfileEvent[] {
  const out: ProfileEvent[] = [];
  for (const it of history ?? []) {
    const item = model.itemIndex.get(it.itemId);
    if (item !== undefined) out.push({ item, ts: it.timestamp });
  }
  return out;
}

function rankRequest(req: {
  numResults?: number;
  excludeSeen?: boolean;
  exclude?: (id: string) => boolean;
  filter?: (id: string) => boolean;
}): RankRequest {
  return {
    numResults: req.numResults ?? 25,
    excludeSeen: req.excludeSeen ?? true,
    ...(req.exclude ? { exclude: req.exclude } : {}),
    ...(req.filter ? { filter: req.filter } : {}),
  };
}

/**
 * Ranked items for a user. Unknown users without history get the popularity list; a user's training history,
 * recorded events and `history` are merged, and the most recent events weigh most.
 */
export function recommend(model: TrainedModel, req: RecommendRequest): ScoredItem[] {
  const events = userEvents(model, req.userId, toProfileEvents(model, req.history));
  const ranked = rankForEvents(model, events, rankRequest(req), scoringOptions(model));
  return ranked.map((r) => ({ itemId: model.itemIds[r.index] as string, score: r.score }));
}

/**
 * Does the model know any event of this user (training history, recorded events, or `history`) on an item it
 * knows? A user without one is a cold start: `recommend` answers with the popularity list.
 */
export function hasHistory(model: TrainedModel, userId: string, history?: readonly Interaction[]): boolean {
  return userEvents(model, userId, toProfileEvents(model, history)).length > 0;
}

export interface SimilarItemsRequest {
  itemId: string;
  numResults?: number;
  exclude?: (itemId: string) => boolean;
  filter?: (itemId: string) => boolean;
}

/** Interaction-based similarity of item i to every warm item, scaled to max 1 (zeros when i is cold). */
function interactionSimilarities(model: TrainedModel, i: number): Float64Array {
  const n = model.warmItemCount;
  const out = new Float64Array(n);
  if (i >= n) return out;
  if (model.neighbors) {
    const nb = model.neighbors;
    for (let p = nb.ptr[i] as number; p < (nb.ptr[i + 1] as number); p++) out[nb.idx[p] as number] = nb.val[p] as number;
  } else if (model.easeWeights) {
    for (let j = 0; j < n; j++) out[j] = Math.max(0, model.easeWeights[i * n + j] as number);
  }
  let max = 0;
  for (const v of out) if (v > max) max = v;
  if (max > 0) for (let j = 0; j < n; j++) out[j] = (out[j] as number) / max;
  return out;
}

/**
 * Items related to an item: co-occurrence similarity plus `metadataWeight` × metadata similarity
 * (metadata only for cold items). Unknown item → popular items, as Personalize does.
 */
export function similarItems(model: TrainedModel, req: SimilarItemsRequest): ScoredItem[] {
  const numResults = req.numResults ?? 25;
  const i = model.itemIndex.get(req.itemId);
  const nItems = model.itemIds.length;
  const cf = i === undefined ? undefined : interactionSimilarities(model, i);
  const meta = i === undefined ? undefined : metadataSimilarities(model.features, i, nItems);
  const beta = model.params.metadataWeight;
  let maxPop = 1;
  for (const p of model.popularity) if (p > maxPop) maxPop = p;
  const top = new TopK(numResults);
  for (let j = 0; j < nItems; j++) {
    if (j === i) continue;
    const s = (cf?.[j] ?? 0) + beta * (meta?.[j] ?? 0) + (1e-6 * (model.popularity[j] ?? 0)) / maxPop;
    if (s <= top.threshold) continue;
    const id = model.itemIds[j] as string;
    if (req.exclude?.(id) || (req.filter && !req.filter(id))) continue;
    top.push(j, s);
  }
  return top.sorted().map((r) => ({ itemId: model.itemIds[r.index] as string, score: r.score }));
}

function growPopularity(model: TrainedModel, size: number): void {
  if (model.popularity.length >= size) return;
  const grown = new Float32Array(size);
  grown.set(model.popularity);
  model.popularity = grown;
}

function ensureItem(model: TrainedModel, itemId: string): number {
  let i = model.itemIndex.get(itemId);
  if (i === undefined) {
    i = model.itemIds.length;
    model.itemIds.push(itemId);
    model.itemIndex.set(itemId, i);
    growPopularity(model, model.itemIds.length);
  }
  return i;
}

/**
 * Adds items to the catalog (or updates the metadata of known ones). New items have no interaction signal;
 * user-personalization shows them in its exploration slots, ranked by metadata affinity to the user's history.
 * Mutates and returns the model.
 */
export function addItems(model: TrainedModel, items: readonly ItemRecord[]): TrainedModel {
  for (const r of items) {
    const i = ensureItem(model, r.itemId);
    setItemMetadata(model.features, model.vocabIndex, i, r.props);
  }
  while (model.features.itemTokens.length < model.itemIds.length) model.features.itemTokens.push(new Int32Array(0));
  return model;
}

/**
 * Stores real-time events (PutEvents) with the model: they join each user's history for later recommend calls.
 * Unknown items are added as cold items. Keeps the newest `maxHistory` events per user. Mutates the model.
 */
export function recordEvents(model: TrainedModel, events: readonly Interaction[]): void {
  for (const it of events) {
    const item = ensureItem(model, it.itemId);
    const list = model.realtime.get(it.userId) ?? [];
    if (list.length === 0) model.realtime.set(it.userId, list);
    list.push({ item, ts: it.timestamp });
    if (list.length > 1 && (list[list.length - 2]?.ts ?? 0) > it.timestamp) list.sort((a, b) => a.ts - b.ts);
    if (list.length > model.params.maxHistory) list.splice(0, list.length - model.params.maxHistory);
  }
  while (model.features.itemTokens.length < model.itemIds.length) model.features.itemTokens.push(new Int32Array(0));
}
