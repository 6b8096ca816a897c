/**
 * `mesh personalize train` on aws: preflight → upload → dataset group, schemas, datasets → import jobs → solutions
 * → solution versions → GetSolutionMetrics. Each step is describe-or-create, so a re-run with the same data
 * creates nothing, and `mesh personalize status` resumes an interrupted run from the record kept in the state.
 * Import jobs and solution versions are named after the data's fingerprint: the same data is not imported or
 * trained twice (pass newVersion to train again anyway).
 */
import { createHash } from 'node:crypto';
import {
  CreateDatasetImportJobCommand,
  CreateSolutionVersionCommand,
  type DatasetImportJobSummary,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
  type SolutionVersionSummary,
} from '@aws-sdk/client-personalize';
import { MeshError } from '../../core/errors.js';
import { emit } from '../../core/messages.js';
import { managedTags } from '../../workspace/naming.js';
import { DATASET_TYPES, type DatasetType } from '../avro-rules.js';
import type { SolutionConfig } from '../config.js';
import type { BuiltDatasets } from '../datasets/build.js';
import { personalizeBucket, personalizeRoleArn } from '../project.js';
import { type AwsPersonalizeEnv, addPending, call, trainKey, waitForJob } from './aws-env.js';
import { describeJob } from './describe-job.js';
import { preflightAws, uploadDatasets } from './preflight.js';
import { ensureDataset, ensureDatasetGroup, ensureSchema, ensureSolution, findDatasets } from './resources.js';

export interface AwsTrainInput {
  readonly incremental?: boolean;
  /** Overrides each solution's trainingMode. */
  readonly trainingMode?: 'FULL' | 'UPDATE';
  /** Solution names to train (default: all). */
  readonly solutions?: readonly string[];
  /** Train a new version even when one exists for the same data. */
  readonly newVersion?: boolean;
}

/** What `status` needs to resume a train run: kept in the state until the run completes. */
export interface TrainRecord {
  readonly startedAt: string;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  readonly uploads: Partial<Record<DatasetType, { location: string; fingerprint: string }>>;
  readonly dataFingerprint: string;
  readonly solutions: readonly string[];
  readonly trainingModes: Readonly<Record<string, 'FULL' | 'UPDATE'>>;
  readonly newVersion: boolean;
  /** Solution versions this run created (so a resumed --new-version run does not create another). */
  readonly createdVersions: Record<string, string>;
}

export interface TrainedVersion {
  readonly solution: string;
  readonly solutionVersionArn: string;
  readonly trainingMode: 'FULL' | 'UPDATE';
  readonly reused: boolean;
  readonly trainingHours?: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface AwsTrainResult {
  readonly datasetGroupArn: string;
  readonly datasetArns: Partial<Record<DatasetType, string>>;
  readonly importJobs: readonly { type: DatasetType; arn: string; reused: boolean }[];
  readonly versions: readonly TrainedVersion[];
}

const hash = (s: string, n = 12) => createHash('sha256').update(s).digest('hex').slice(0, n);
const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14);

function tags(env: AwsPersonalizeEnv) {
  return Object.entries(managedTags(env.project.workspace.mesh, env.project.domain.name)).map(([tagKey, tagValue]) => ({
    tagKey,
    tagValue,
  }));
}

function trainedSolutions(env: AwsPersonalizeEnv, names: readonly string[]): SolutionConfig[] {
  return env.project.config.solutions.filter((s) => names.includes(s.name));
}

/** Uploads the validated datasets and runs the pipeline. Nothing billable happens before preflight passes. */
export async function startAwsTrain(env: AwsPersonalizeEnv, built: BuiltDatasets, input: AwsTrainInput): Promise<AwsTrainResult> {
  const names = input.solutions ?? env.project.config.solutions.map((s) => s.name);
  for (const s of trainedSolutions(env, names)) {
    if (s.autoTraining) {
      emit(env.host, 'warn', 'personalize.train.auto-training', { solution: s.name, schedule: s.autoTrainingSchedule ?? 'rate(7 days)' });
    }
  }
  const bucket = personalizeBucket(env.project);
  await preflightAws(env, personalizeRoleArn(env.project), bucket);
  const uploads = await uploadDatasets(env, bucket, built.files);
  const trainingModes = Object.fromEntries(trainedSolutions(env, names).map((s) => [s.name, input.trainingMode ?? s.trainingMode]));
  const record: TrainRecord = {
    startedAt: new Date((env.now ?? Date.now)()).toISOString(),
    importMode: input.incremental ? 'INCREMENTAL' : 'FULL',
    uploads,
    dataFingerprint: built.fingerprint,
    solutions: names,
    trainingModes,
    newVersion: input.newVersion ?? false,
    createdVersions: {},
  };
  env.state.setRecord(trainKey(env.project.domain.name), record);
  return continueAwsTrain(env, record);
}

/** The train record of an unfinished run, if any. */
export function unfinishedTrain(env: AwsPersonalizeEnv): TrainRecord | undefined {
  return env.state.getRecord<TrainRecord>(trainKey(env.project.domain.name));
}

/** Runs (or resumes) the pipeline from a record. Every step finds what exists before creating anything. */
export async function continueAwsTrain(env: AwsPersonalizeEnv, record: TrainRecord): Promise<AwsTrainResult> {
  const roleArn = personalizeRoleArn(env.project) as string;
  const datasetGroupArn = await ensureDatasetGroup(env);
  const existing = await findDatasets(env, datasetGroupArn);
  const datasetArns: Partial<Record<DatasetType, string>> = {};
  for (const type of DATASET_TYPES) {
    if (!env.project.config.datasets[type]) continue;
    const schemaArn = await ensureSchema(env, type);
    datasetArns[type] = await ensureDataset(env, type, datasetGroupArn, schemaArn, existing[type]);
  }
  const solutions = trainedSolutions(env, record.solutions);
  const solutionArns = new Map<string, string>();
  for (const s of solutions) solutionArns.set(s.name, await ensureSolution(env, datasetGroupArn, s));
  // Checks that would otherwise fail after billable work: INCREMENTAL needs a prior import, UPDATE a FULL version.
  const jobLists = new Map<DatasetType, DatasetImportJobSummary[]>();
  for (const type of DATASET_TYPES) {
    const arn = datasetArns[type];
    if (!arn || !record.uploads[type]) continue;
    const jobs = await listImportJobs(env, arn);
    jobLists.set(type, jobs);
    if (record.importMode === 'INCREMENTAL' && !jobs.some((j) => j.status === 'ACTIVE')) {
      throw new MeshError(
        'PersonalizeIncrementalNeedsFull',
        `An INCREMENTAL import needs a completed import in the ${type} dataset first.`,
        {
          hint: 'Run `mesh personalize train` without --incremental once.',
        },
      );
    }
  }
  const versionLists = new Map<string, SolutionVersionSummary[]>();
  for (const s of solutions) {
    const versions = await listSolutionVersions(env, solutionArns.get(s.name) as string);
    versionLists.set(s.name, versions);
    if (record.trainingModes[s.name] === 'UPDATE' && !versions.some((v) => v.status === 'ACTIVE' && v.trainingMode !== 'UPDATE')) {
      throw new MeshError(
        'PersonalizeUpdateNeedsFull',
        `Solution "${s.name}": UPDATE training needs an ACTIVE FULL solution version first.`,
        {
          hint: 'Train once with --training-mode FULL (or trainingMode: FULL in personalize.yaml).',
        },
      );
    }
  }
  const importJobs: { type: DatasetType; arn: string; reused: boolean }[] = [];
  for (const type of DATASET_TYPES) {
    const upload = record.uploads[type];
    const datasetArn = datasetArns[type];
    if (!upload || !datasetArn) continue;
    importJobs.push({
      type,
      ...(await importDataset(env, type, datasetArn, upload, record.importMode, roleArn, jobLists.get(type) ?? [])),
    });
  }
  for (const job of importJobs) {
    await waitForJob(env, { kind: 'import-job', arn: job.arn, label: `import job ${job.type} (${record.importMode})` }, () =>
      describeJob(env, 'import-job', job.arn),
    );
  }
  const started: { solution: SolutionConfig; arn: string; reused: boolean }[] = [];
  for (const s of solutions) {
    const v = await trainVersion(env, record, s, solutionArns.get(s.name) as string, versionLists.get(s.name) ?? []);
    started.push({ solution: s, ...v });
  }
  const versions: TrainedVersion[] = [];
  for (const v of started) {
    const label = `solution version ${v.solution.name} (${record.trainingModes[v.solution.name]})`;
    await waitForJob(env, { kind: 'solution-version', arn: v.arn, label }, () => describeJob(env, 'solution-version', v.arn));
    const d = await call(label, () => env.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: v.arn })));
    const m = await call(`metrics of ${label}`, () => env.personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn: v.arn })));
    env.state.record(`personalize/${env.project.domain.name}/solution-version/${v.solution.name}`, v.reused ? 'observe' : 'create', {
      arn: v.arn,
    });
    versions.push({
      solution: v.solution.name,
      solutionVersionArn: v.arn,
      trainingMode: record.trainingModes[v.solution.name] ?? 'FULL',
      reused: v.reused,
      ...(d.solutionVersion?.trainingHours === undefined ? {} : { trainingHours: d.solutionVersion.trainingHours }),
      metrics: m.metrics ?? {},
    });
  }
  env.state.setRecord(trainKey(env.project.domain.name), undefined);
  return { datasetGroupArn, datasetArns, importJobs, versions };
}

async function listImportJobs(env: AwsPersonalizeEnv, datasetArn: string): Promise<DatasetImportJobSummary[]> {
  const all: DatasetImportJobSummary[] = [];
  let token: string | undefined;
  do {
    const r = await call('listing import jobs', () =>
      env.personalize.send(new ListDatasetImportJobsCommand({ datasetArn, ...(token ? { nextToken: token } : {}) })),
    );
    all.push(...(r.datasetImportJobs ?? []));
    token = r.nextToken;
  } while (token);
  return all.sort((a, b) => (b.creationDateTime?.getTime() ?? 0) - (a.creationDateTime?.getTime() ?? 0));
}

export async function listSolutionVersions(env: AwsPersonalizeEnv, solutionArn: string): Promise<SolutionVersionSummary[]> {
  const all: SolutionVersionSummary[] = [];
  let token: string | undefined;
  do {
    const r = await call('listing solution versions', () =>
      env.personalize.send(new ListSolutionVersionsCommand({ solutionArn, ...(token ? { nextToken: token } : {}) })),
    );
    all.push(...(r.solutionVersions ?? []));
    token = r.nextToken;
  } while (token);
  return all.sort((a, b) => (b.creationDateTime?.getTime() ?? 0) - (a.creationDateTime?.getTime() ?? 0));
}

async function importDataset(
  env: AwsPersonalizeEnv,
  type: DatasetType,
  datasetArn: string,
  upload: { location: string; fingerprint: string },
  mode: 'FULL' | 'INCREMENTAL',
  roleArn: string,
  jobs: readonly DatasetImportJobSummary[],
): Promise<{ arn: string; reused: boolean }> {
  const prefix = `${env.project.config.datasetGroup.slice(0, 20)}-${type}-${mode === 'FULL' ? 'f' : 'i'}${upload.fingerprint}`;
  const newest = jobs[0];
  if (newest?.jobName?.startsWith(prefix) && newest.datasetImportJobArn && !newest.status?.includes('FAILED')) {
    return { arn: newest.datasetImportJobArn, reused: true };
  }
  const jobName = `${prefix}-${stamp(new Date((env.now ?? Date.now)()))}`;
  const r = await call(`creating import job ${jobName}`, () =>
    env.personalize.send(
      new CreateDatasetImportJobCommand({
        jobName,
        datasetArn,
        dataSource: { dataLocation: upload.location },
        roleArn,
        importMode: mode,
        tags: tags(env),
      }),
    ),
  );
  addPending(env, { kind: 'import-job', arn: r.datasetImportJobArn as string, label: `import job ${type} (${mode})` });
  return { arn: r.datasetImportJobArn as string, reused: false };
}

async function trainVersion(
  env: AwsPersonalizeEnv,
  record: TrainRecord,
  solution: SolutionConfig,
  solutionArn: string,
  versions: readonly SolutionVersionSummary[],
): Promise<{ arn: string; reused: boolean }> {
  const mode = record.trainingModes[solution.name] ?? 'FULL';
  const prefix = `v-${hash(`${record.dataFingerprint}|${record.importMode}|${solution.recipeArn}`)}-${mode.toLowerCase()}`;
  const newest = versions[0];
  if (newest?.solutionVersionArn && !newest.status?.includes('FAILED') && !newest.status?.includes('STOP')) {
    const arn = newest.solutionVersionArn;
    const mine = record.createdVersions[solution.name] === arn;
    if (mine || !record.newVersion) {
      const d = await call('describing solution version', () =>
        env.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn })),
      );
      if (mine || d.solutionVersion?.name?.startsWith(prefix)) return { arn, reused: !mine };
    }
  }
  const name = `${prefix}-${stamp(new Date((env.now ?? Date.now)()))}`;
  const r = await call(`creating solution version for ${solution.name}`, () =>
    env.personalize.send(new CreateSolutionVersionCommand({ solutionArn, trainingMode: mode, name, tags: tags(env) })),
  );
  const arn = r.solutionVersionArn as string;
  addPending(env, { kind: 'solution-version', arn, label: `solution version ${solution.name} (${mode})` });
  record.createdVersions[solution.name] = arn;
  env.state.setRecord(trainKey(env.project.domain.name), record);
  return { arn, reused: false };
}
