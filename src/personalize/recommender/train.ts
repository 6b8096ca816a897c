/**
 * trainModel: Personalize's CreateSolutionVersion, locally.
 *   popularity-count     → distinct users per item, same list for everyone (seen items removed)
 *   similar-items        → item-kNN cosine co-occurrence + item metadata similarity
 *   user-personalization → EASE or item-kNN, chosen and tuned on a validation split of the training users
 *                          (tuning.ts), plus recency weighting and exploration slots for cold items
 */
import { MeshError } from '../../core/errors.js';
import { filterTrainingEvents, fitModel, untunedMethod } from './fit.js';
import type { EngineParams, TrainedModel } from './model.js';
import { resolveParams } from './model.js';
import { tuneUserPersonalization } from './tuning.js';
import type { Datasets, RecipeName } from './types.js';
import { RECIPE_NAMES } from './types.js';

export interface TrainOptions {
  recipe: RecipeName;
  params?: Partial<EngineParams>;
  /** Seed of the validation split (tuning). Default 42. */
  seed?: number;
}

export function trainModel(data: Datasets, options: TrainOptions): TrainedModel {
  if (!RECIPE_NAMES.includes(options.recipe)) {
    throw new MeshError('PersonalizeRecipeUnknown', `Unknown recipe '${String(options.recipe)}'.`, {
      hint: `Use one of: ${RECIPE_NAMES.join(', ')}.`,
    });
  }
  const started = performance.now();
  const params = resolveParams(options.params);
  const interactions = filterTrainingEvents(data.interactions, params);
  if (interactions.length === 0) {
    throw new MeshError('PersonalizeNoInteractions', 'No interactions to train on.', {
      hint: 'Check the interactions dataset and the eventType / eventValueThreshold parameters.',
    });
  }
  let model: TrainedModel;
  if (options.recipe === 'popularity-count') {
    model = fitModel(interactions, data.items, { recipe: options.recipe, method: 'popularity', params });
  } else if (options.recipe === 'similar-items') {
    model = fitModel(interactions, data.items, { recipe: options.recipe, method: 'item-knn', params });
  } else if (params.tune) {
    const tuned = tuneUserPersonalization(interactions, data.items, params, options.seed ?? 42);
    model = fitModel(interactions, data.items, { recipe: options.recipe, method: tuned.method, params: tuned.params });
    model.stats.tuning = tuned.report;
  } else {
    const warm = new Set(interactions.map((it) => it.itemId)).size;
    model = fitModel(interactions, data.items, { recipe: options.recipe, method: untunedMethod(params, warm), params });
  }
  model.stats.trainMs = performance.now() - started;
  return model;
}
