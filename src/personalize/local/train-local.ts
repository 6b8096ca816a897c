/**
 * `mesh personalize train` on local: each solution is evaluated on Personalize's holdout (10 % of users held out;
 * their oldest 90 % as input, newest 10 % as truth; same metric names as GetSolutionMetrics) repeated on 3
 * disjoint blocks of users (mean and standard deviation; popularity-count on the same splits as the baseline), then trained on all
 * the data and saved as a new local solution version. UPDATE training is a full retrain locally (same result,
 * the engine trains in seconds).
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { interrupted } from '../../core/errors.js';
import { emit, type IoHost } from '../../core/messages.js';
import { engineRecipe } from '../config.js';
import type { BuiltDatasets } from '../datasets/build.js';
import type { PersonalizeProject } from '../project.js';
import { type EngineParams, evaluateSplits, serializeModel, trainModel } from '../recommender/index.js';
import { type LocalSolutionVersion, type LocalVersionMetadata, writeVersion } from './versions.js';

export interface LocalTrainInput {
  readonly solutions?: readonly string[];
  readonly trainingMode?: 'FULL' | 'UPDATE';
  readonly signal?: AbortSignal;
  /** Engine parameters for every solution (tests and benchmarks). */
  readonly params?: Partial<EngineParams>;
}

export async function trainLocal(
  project: PersonalizeProject,
  built: BuiltDatasets,
  watermarks: LocalVersionMetadata['watermarks'],
  input: LocalTrainInput,
  host: IoHost,
): Promise<LocalVersionMetadata> {
  const names = input.solutions ?? project.config.solutions.map((s) => s.name);
  const solutions = project.config.solutions.filter((s) => names.includes(s.name));
  const data = {
    interactions: built.interactions,
    ...(built.items ? { items: built.items } : {}),
    ...(built.users ? { users: built.users } : {}),
  };
  return writeVersion(project.paths.versionsDir, async (dir, version) => {
    const trained: Record<string, LocalSolutionVersion> = {};
    for (const solution of solutions) {
      if (input.signal?.aborted) throw interrupted('Training stopped; no new version was saved.');
      const recipe = engineRecipe(solution);
      const params: Partial<EngineParams> = { ...input.params, ...(solution.eventType ? { eventType: solution.eventType } : {}) };
      emit(host, 'info', 'personalize.train.evaluating', { solution: solution.name, recipe, splits: 3 });
      const evaluation = evaluateSplits(data, { recipe, params });
      const baseline =
        recipe === 'popularity-count'
          ? evaluation
          : evaluateSplits(data, { recipe: 'popularity-count', params: { ...params, tune: false } });
      emit(host, 'info', 'personalize.train.training', { solution: solution.name, recipe, interactions: built.interactions.length });
      const model = trainModel(data, { recipe, params });
      const modelFile = `${solution.name}.model`;
      await writeFile(path.join(dir, modelFile), serializeModel(model));
      trained[solution.name] = {
        solution: solution.name,
        recipe,
        recipeArn: solution.recipeArn,
        method: model.method,
        trainingMode: input.trainingMode ?? solution.trainingMode,
        metrics: { ...evaluation.metrics },
        metricsStd: { ...evaluation.std },
        splitMetrics: evaluation.perSplit.map((m) => ({ ...m })),
        splits: { ...evaluation.plan },
        baseline: { recipe: 'popularity-count', metrics: { ...baseline.metrics }, metricsStd: { ...baseline.std } },
        trainMs: Math.round(model.stats.trainMs),
        evaluateMs: Math.round(evaluation.trainMs + evaluation.evaluateMs),
        testUsers: Math.round(evaluation.testUsers.reduce((a, b) => a + b, 0) / evaluation.testUsers.length),
        modelFile,
      };
    }
    for (const [type, file] of Object.entries(built.files)) {
      if (file) await copyFile(file.file, path.join(dir, `${type}.csv`));
    }
    return {
      version,
      createdAt: new Date().toISOString(),
      dataFingerprint: built.fingerprint,
      interactions: built.interactions.length,
      items: built.items?.length ?? 0,
      users: built.users?.length ?? 0,
      watermarks,
      solutions: trained,
    };
  });
}
