/**
 * The local recommendation engine of mesh: Personalize-shaped datasets, validation, recipes
 * (user-personalization, popularity-count, similar-items), serving, and Personalize-style offline metrics.
 * Pure TypeScript: no AWS, no HTTP, no CLI.
 */
export type { CsvTable } from './csv.js';
export { csvField, parseCsv, stringifyCsv } from './csv.js';
export type { ParsedCsv } from './dataset-csv.js';
export {
  interactionsToCsv,
  itemsToCsv,
  parseInteractionsCsv,
  parseItemsCsv,
  parseUsersCsv,
  readInteractionsCsv,
  readItemsCsv,
  readUsersCsv,
  usersToCsv,
  writeInteractionsCsv,
  writeItemsCsv,
  writeUsersCsv,
} from './dataset-csv.js';
export type { EvaluateOptions, EvaluationResult, SplitEvaluation, SplitPlan } from './evaluate.js';
export { catalogSize, DEFAULT_SPLITS, evaluateRecipe, evaluateSplits } from './evaluate.js';
export { EVALUATION_DEPTH, evaluateModel } from './evaluate-model.js';
export type { HoldoutCase, HoldoutOptions, HoldoutSplit } from './holdout.js';
export { holdoutSplit } from './holdout.js';
export type { MetricName, SolutionMetrics, UserMetrics } from './metrics.js';
export { aggregateMetrics, METRIC_NAMES, meanAndStd, summarizeSplits, userMetrics } from './metrics.js';
export type { EngineParams, RealtimeEvent, TrainedModel, TrainingStats, TuningTrial } from './model.js';
export { DEFAULT_PARAMS } from './model.js';
export type { RecommendRequest, SimilarItemsRequest } from './recommend.js';
export { addItems, hasHistory, recommend, recordEvents, similarItems } from './recommend.js';
export type { AvroField, AvroRecordSchema, SchemaInput } from './schema-rules.js';
export { deserializeModel, serializeModel } from './serialize.js';
export type { MusicDataset, MusicDatasetOptions } from './synthetic-music.js';
export { generateMusicDataset } from './synthetic-music.js';
export type { TrainOptions } from './train.js';
export { trainModel } from './train.js';
export type { TuningGrid } from './tuning.js';
export { DEFAULT_GRID } from './tuning.js';
export type {
  Datasets,
  Interaction,
  ItemRecord,
  Props,
  PropValue,
  RecipeName,
  ScoredItem,
  ScoringMethod,
  UserRecord,
} from './types.js';
export { RECIPE_NAMES } from './types.js';
export type { ValidateDatasetsInput } from './validate.js';
export { validateDatasets } from './validate.js';
export type { DatasetKind, DatasetLimits, Severity, ValidationIssue } from './validation-issues.js';
export { PERSONALIZE_LIMITS } from './validation-issues.js';
