/** The trained model: plain data (typed arrays + JSON-able fields) so it serialises byte for byte. */
import type { ItemFeatures } from './item-features.js';
import type { NeighborLists } from './item-item.js';
import type { TrendIndex } from './trend.js';
import type { RecipeName, ScoringMethod } from './types.js';

export interface EngineParams {
  /** user-personalization: which item-item model; 'auto' picks by validation NDCG@10 among the feasible ones. */
  method: 'auto' | 'ease' | 'item-knn';
  /** EASE L2 regularisation; null = tuned on validation users, or easeLambdaPerDegree × mean item degree. */
  easeLambda: number | null;
  /** Untuned EASE λ as a multiple of the mean number of distinct users per item. */
  easeLambdaPerDegree: number;
  /** Dense EASE is O(items³): above this many items with interactions, EASE is solved per item on its neighbourhood (sparse-ease.ts). */
  easeMaxItems: number;
  /** Neighbourhood size of the sparse EASE (items per column). */
  easeNeighbors: number;
  /** Item-kNN neighbours kept per item (and used when scoring). */
  knnNeighbors: number;
  /** Item-kNN cosine shrink term (damps similarities built on few co-occurrences). */
  knnShrink: number;
  /** Weight α of the user's most recent events against the whole (time-decayed) history, 0..1. */
  recencyWeight: number;
  /** How many most recent events form the "recent" part of the profile. */
  recentEvents: number;
  /** Half-life of history weights in days, counted back from the user's latest event; null = no decay. */
  halfLifeDays: number | null;
  /** Weight of time-aware popularity (trend.ts) added to the normalised item-item scores; 0 = off. */
  trendWeight: number;
  /** Half-life of the time-aware popularity, in days. */
  trendHalfLifeDays: number;
  /**
   * Weight of the expansion (pseudo-relevance feedback, rank.ts): the item-item scores of the user's
   * `expansionDepth` best-scored unseen items, normalised, added to the personal scores; 0 = off.
   */
  expansionWeight: number;
  /** How many of the best-scored unseen items seed the expansion. */
  expansionDepth: number;
  /** Most recent events per user kept in the model and used for scoring. */
  maxHistory: number;
  /** Share of result slots given to cold items (no interactions yet), like Personalize's exploration. */
  explorationWeight: number;
  /** similar-items: weight of metadata similarity added to co-occurrence similarity. */
  metadataWeight: number;
  /** Tune method, λ and recency on a validation split of the training users. */
  tune: boolean;
  /** Share of training users used for validation when tuning. */
  validationFraction: number;
  /** Train only on this EVENT_TYPE (Personalize's solution `eventType`); null = all. */
  eventType: string | null;
  /** Train only on events with EVENT_VALUE ≥ this (Personalize's `eventValueThreshold`); null = all. */
  eventValueThreshold: number | null;
}

export const DEFAULT_PARAMS: Readonly<EngineParams> = {
  method: 'auto',
  easeLambda: null,
  easeLambdaPerDegree: 2,
  easeMaxItems: 2500,
  easeNeighbors: 64,
  knnNeighbors: 100,
  knnShrink: 10,
  recencyWeight: 0.5,
  recentEvents: 5,
  halfLifeDays: null,
  trendWeight: 0,
  trendHalfLifeDays: 30,
  expansionWeight: 0,
  expansionDepth: 10,
  maxHistory: 200,
  explorationWeight: 0.1,
  metadataWeight: 0.2,
  tune: true,
  validationFraction: 0.1,
  eventType: null,
  eventValueThreshold: null,
};

export interface TuningTrial {
  method: ScoringMethod;
  easeLambda?: number;
  knnNeighbors?: number;
  recencyWeight: number;
  halfLifeDays: number | null;
  trendWeight?: number;
  trendHalfLifeDays?: number;
  expansionWeight?: number;
  ndcgAt10: number;
}

export interface TrainingStats {
  interactions: number;
  users: number;
  items: number;
  warmItems: number;
  trainMs: number;
  /** Validation trials when tuned, best first. */
  tuning?: { validationUsers: number; trials: TuningTrial[] };
}

/** A user's events added after training (recordEvents), item index + epoch seconds, oldest first. */
export interface RealtimeEvent {
  item: number;
  ts: number;
}

export interface TrainedModel {
  /**
   * 2 when the model ranks with the expansion (rank.ts), which a mesh of version 1 models would leave out without a
   * word: such a mesh refuses the model instead. 1 otherwise, readable by every mesh.
   */
  formatVersion: 1 | 2;
  recipe: RecipeName;
  method: ScoringMethod;
  params: EngineParams;
  trainedAt: string;
  stats: TrainingStats;
  itemIds: string[];
  userIds: string[];
  /** Items [0, warmItemCount) have interaction signal; later indices are cold (metadata only). */
  warmItemCount: number;
  /** Distinct users per item in the training data (0 for cold items). */
  popularity: Float32Array;
  /** Training histories (most recent `maxHistory` events per user), CSR, oldest first. */
  userPtr: Int32Array;
  eventItems: Int32Array;
  eventTs: Float64Array;
  /** EASE weights, warmItemCount² (method 'ease'). */
  easeWeights?: Float32Array;
  /** Item-item neighbours (methods 'item-knn', and similar-items). */
  neighbors?: NeighborLists;
  /** Time-aware popularity (user-personalization with trendWeight > 0). */
  trend?: TrendIndex;
  features: ItemFeatures;
  realtime: Map<string, RealtimeEvent[]>;
  /** Runtime lookups (rebuilt on deserialise, not serialised). */
  itemIndex: Map<string, number>;
  userIndex: Map<string, number>;
  vocabIndex: Map<string, number>;
}

export function resolveParams(params: Partial<EngineParams> | undefined): EngineParams {
  const out: EngineParams = { ...DEFAULT_PARAMS };
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v; // why: copy only the keys given
  }
  return out;
}
