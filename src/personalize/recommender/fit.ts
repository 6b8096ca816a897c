/** Fits one model with fixed parameters (no tuning): the building block of trainModel and of tuning. */
import type { InteractionMatrix } from './interaction-matrix.js';
import { buildInteractionMatrix, uniqueUserItems } from './interaction-matrix.js';
import { buildItemFeatures } from './item-features.js';
import type { NeighborLists } from './item-item.js';
import { fitEase, fitItemKnn, meanItemDegree } from './item-item.js';
import type { EngineParams, TrainedModel } from './model.js';
import { fitSparseEase } from './sparse-ease.js';
import { buildTrend } from './trend.js';
import type { Interaction, ItemRecord, RecipeName, ScoringMethod } from './types.js';

/** Personalize's solution-level event filters (`eventType`, `eventValueThreshold`). */
export function filterTrainingEvents(interactions: readonly Interaction[], params: EngineParams): readonly Interaction[] {
  const { eventType, eventValueThreshold } = params;
  if (eventType === null && eventValueThreshold === null) return interactions;
  return interactions.filter(
    (it) =>
      (eventType === null || it.eventType === eventType) &&
      (eventValueThreshold === null || (it.eventValue ?? Number.NEGATIVE_INFINITY) >= eventValueThreshold),
  );
}

/** Distinct users per item over every event (not capped by maxHistory). */
function popularityOf(m: InteractionMatrix): Float32Array {
  const pop = new Float32Array(m.itemIds.length);
  const mark = new Int32Array(m.itemIds.length).fill(-1);
  for (let u = 0; u < m.userIds.length; u++) {
    for (let p = m.userPtr[u] as number; p < (m.userPtr[u + 1] as number); p++) {
      const i = m.eventItems[p] as number;
      if (mark[i] !== u) {
        mark[i] = u;
        pop[i] = (pop[i] as number) + 1;
      }
    }
  }
  return pop;
}

/** Keeps each user's newest `maxHistory` events. */
function cappedHistories(m: InteractionMatrix, maxHistory: number): Pick<TrainedModel, 'userPtr' | 'eventItems' | 'eventTs'> {
  const nUsers = m.userIds.length;
  const userPtr = new Int32Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) {
    const len = Math.min(maxHistory, (m.userPtr[u + 1] as number) - (m.userPtr[u] as number));
    userPtr[u + 1] = (userPtr[u] as number) + len;
  }
  const total = userPtr[nUsers] as number;
  if (total === m.eventItems.length) return { userPtr, eventItems: m.eventItems, eventTs: m.eventTs };
  const eventItems = new Int32Array(total);
  const eventTs = new Float64Array(total);
  for (let u = 0; u < nUsers; u++) {
    const len = (userPtr[u + 1] as number) - (userPtr[u] as number);
    const from = (m.userPtr[u + 1] as number) - len;
    eventItems.set(m.eventItems.subarray(from, from + len), userPtr[u] as number);
    eventTs.set(m.eventTs.subarray(from, from + len), userPtr[u] as number);
  }
  return { userPtr, eventItems, eventTs };
}

/** The method user-personalization uses without tuning: EASE (dense up to easeMaxItems items, sparse beyond). */
export function untunedMethod(params: EngineParams, _warmItems: number): ScoringMethod {
  return params.method === 'auto' ? 'ease' : params.method;
}

export interface FitSpec {
  recipe: RecipeName;
  method: ScoringMethod;
  params: EngineParams;
}

/** Model weights for an already-built matrix. `neighbors` may be passed in to reuse a kNN fit. */
export function fitWeights(
  m: InteractionMatrix,
  spec: FitSpec,
  reuse: { neighbors?: NeighborLists } = {},
): Pick<TrainedModel, 'easeWeights' | 'neighbors'> & { easeLambda?: number } {
  const n = m.warmItemCount;
  if (spec.method === 'popularity') return {};
  const userItems = uniqueUserItems(m, spec.params.maxHistory);
  if (spec.method === 'ease') {
    const lambda = spec.params.easeLambda ?? spec.params.easeLambdaPerDegree * Math.max(1, meanItemDegree(userItems, n));
    if (n > spec.params.easeMaxItems) {
      return { neighbors: fitSparseEase(userItems, n, spec.params.easeNeighbors, lambda), easeLambda: lambda };
    }
    return { easeWeights: fitEase(userItems, n, lambda), easeLambda: lambda };
  }
  return { neighbors: reuse.neighbors ?? fitItemKnn(userItems, n, spec.params.knnNeighbors, spec.params.knnShrink) };
}

/** Puts a matrix and fitted weights together as a model (features from the Items dataset, if any). */
export function assembleModel(
  m: InteractionMatrix,
  spec: FitSpec,
  weights: Pick<TrainedModel, 'easeWeights' | 'neighbors'> & { easeLambda?: number },
  items: readonly ItemRecord[] | undefined,
): TrainedModel {
  const { features, vocabIndex } = buildItemFeatures(items ?? [], m.itemIndex, m.itemIds.length);
  const params = weights.easeLambda === undefined ? spec.params : { ...spec.params, easeLambda: weights.easeLambda };
  const interactions = m.eventItems.length;
  const withTrend = spec.recipe === 'user-personalization' && spec.method !== 'popularity' && params.trendWeight > 0;
  return {
    formatVersion: (params.expansionWeight ?? 0) > 0 ? 2 : 1,
    recipe: spec.recipe,
    method: spec.method,
    params,
    trainedAt: new Date().toISOString(),
    stats: { interactions, users: m.userIds.length, items: m.itemIds.length, warmItems: m.warmItemCount, trainMs: 0 },
    itemIds: m.itemIds,
    userIds: m.userIds,
    warmItemCount: m.warmItemCount,
    popularity: popularityOf(m),
    ...cappedHistories(m, spec.params.maxHistory),
    ...(weights.easeWeights ? { easeWeights: weights.easeWeights } : {}),
    ...(weights.neighbors ? { neighbors: weights.neighbors } : {}),
    ...(withTrend ? { trend: buildTrend(m, m.warmItemCount, params.trendHalfLifeDays) } : {}),
    features,
    realtime: new Map(),
    itemIndex: m.itemIndex,
    userIndex: m.userIndex,
    vocabIndex,
  };
}

/** Builds the full model from interactions (already event-filtered) and the Items dataset. */
export function fitModel(interactions: readonly Interaction[], items: readonly ItemRecord[] | undefined, spec: FitSpec): TrainedModel {
  const started = performance.now();
  const m = buildInteractionMatrix(
    interactions,
    (items ?? []).map((r) => r.itemId),
  );
  const model = assembleModel(m, spec, fitWeights(m, spec), items);
  model.stats.trainMs = performance.now() - started;
  return model;
}
