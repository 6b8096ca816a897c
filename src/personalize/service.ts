/**
 * The `mesh personalize` operations, one function per subcommand, for either target. The CLI calls these; so can
 * tests and other modules. The aws modules (and the SDK) load only when the target is aws.
 */
import path from 'node:path';
import type { AwsClients, AwsClientsOptions } from '../aws/clients.js';
import { didYouMean, MeshError, usageError } from '../core/errors.js';
import type { WaitOptions } from '../core/waiter.js';
import { StateStore } from '../engine/state.js';
import type { Output } from '../io/output.js';
import type { Target, Workspace } from '../workspace/model.js';
import type { DatasetType } from './avro-rules.js';
import type { AwsPersonalizeEnv } from './aws/aws-env.js';
import type { AwsStatusResult } from './aws/status-aws.js';
import { buildDatasets, type QueryRows, type RealtimeRecords } from './datasets/build.js';
import { checkDatasets, enforceDatasetCheck } from './datasets/check.js';
import { type CampaignDeployment, campaignSolutions, checkTpsCeiling, type DeployInput } from './deployment.js';
import type { EngineParams } from './recommender/index.js';
import type { LocalRecommendRequest, RecommendationsResult } from './local/local-campaign.js';
import type { PersonalizeOutputs } from './outputs.js';
import { openPersonalizeProject, type PersonalizeProject } from './project.js';

export interface PersonalizeContext {
  readonly workspace: Workspace;
  readonly target: Target;
  /** --domain (default: the only domain with a Personalize template). */
  readonly domain?: string;
  readonly output: Output;
  readonly signal?: AbortSignal;
  /** aws: the client factory (default: a new one from `awsOptions`, destroyed at the end). */
  readonly clients?: AwsClients;
  /** aws: the global --profile / --region. */
  readonly awsOptions?: AwsClientsOptions;
  /** Tests: the waiter's sleep and clock. */
  readonly sleep?: WaitOptions['sleep'];
  readonly now?: () => number;
  /** Runs SQL over the domain's subscribed products (default: the catalog plane's runQuery). */
  readonly query?: QueryRows;
}

export interface TrainInput {
  readonly incremental?: boolean;
  readonly trainingMode?: 'FULL' | 'UPDATE';
  readonly solutions?: readonly string[];
  readonly newVersion?: boolean;
  /** Local engine parameters (tests, benchmarks). */
  readonly params?: Partial<EngineParams>;
  /** Build, check and export the datasets only: no upload, no Personalize call, no training. */
  readonly dryRun?: boolean;
}

export interface TrainedSolution {
  readonly solution: string;
  readonly recipe: string;
  readonly solutionVersionArn: string;
  readonly trainingMode: 'FULL' | 'UPDATE';
  readonly reused: boolean;
  readonly metrics: Readonly<Record<string, number>>;
  /** Local: standard deviation over the holdout splits, the number of splits, and popularity-count on the same splits. */
  readonly metricsStd?: Readonly<Record<string, number>>;
  readonly splits?: number;
  readonly baseline?: { readonly metrics: Readonly<Record<string, number>>; readonly metricsStd: Readonly<Record<string, number>> };
  readonly method?: string;
  readonly trainingHours?: number;
}

export interface TrainResult {
  readonly target: Target;
  readonly domain: string;
  readonly datasets: readonly { type: DatasetType; file: string; rows: number; fingerprint: string }[];
  /** Local: the new version number. */
  readonly version?: number;
  readonly solutions: readonly TrainedSolution[];
  /** --dry-run: the datasets were built and checked; nothing was uploaded or trained. */
  readonly dryRun?: boolean;
}

export interface DeployResult {
  readonly target: Target;
  readonly domain: string;
  readonly deployments: readonly CampaignDeployment[];
  /** Absent on a dry run (nothing was created or written). */
  readonly outputs?: PersonalizeOutputs;
  readonly dryRun?: boolean;
}

export type StatusResult =
  | ({ readonly target: 'aws'; readonly domain: string } & AwsStatusResult)
  | ({ readonly target: 'local'; readonly domain: string } & import('./local/status-local.js').LocalStatus);

function solutionNames(project: PersonalizeProject, names: readonly string[] | undefined): readonly string[] | undefined {
  for (const n of names ?? []) {
    if (!project.config.solutions.some((s) => s.name === n)) {
      throw usageError(
        `No solution named "${n}" in ${project.config.file}.`,
        didYouMean(
          n,
          project.config.solutions.map((s) => s.name),
        ),
      );
    }
  }
  return names && names.length > 0 ? names : undefined;
}

async function withAws<T>(ctx: PersonalizeContext, project: PersonalizeProject, fn: (env: AwsPersonalizeEnv) => Promise<T>): Promise<T> {
  const [{ PersonalizeClient }, { S3Client }, { IAMClient }, { AwsClients }] = await Promise.all([
    import('@aws-sdk/client-personalize'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-iam'),
    import('../aws/clients.js'),
  ]);
  const clients = ctx.clients ?? new AwsClients(ctx.awsOptions);
  try {
    const access = project.domain.access;
    const env: AwsPersonalizeEnv = {
      project,
      personalize: await clients.get(PersonalizeClient, access),
      s3: await clients.get(S3Client, access),
      iam: await clients.get(IAMClient, access),
      output: ctx.output,
      state: new StateStore(path.join(ctx.workspace.root, '.mesh', 'state'), 'aws'),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
      ...(ctx.now ? { now: ctx.now } : {}),
    };
    return await fn(env);
  } finally {
    if (!ctx.clients) clients.destroy();
  }
}

/**
 * The one place the dataset query is chosen: on aws, Athena in the domain's account over its resource links; on
 * local, the embedded catalog (DuckDB over the local copies).
 */
async function defaultQuery(ctx: PersonalizeContext, project: PersonalizeProject): Promise<QueryRows | undefined> {
  if (ctx.query) return ctx.query;
  const needsCatalog = Object.values(project.config.datasets).some((d) => d && d.source.kind !== 'csv');
  if (!needsCatalog) return undefined;
  if (ctx.target === 'aws') {
    if (!ctx.clients) throw new MeshError('InternalError', 'the aws dataset query needs the client factory');
    const [{ AthenaClient }, { athenaQuery, athenaOutputLocation }] = await Promise.all([
      import('@aws-sdk/client-athena'),
      import('./datasets/athena-query.js'),
    ]);
    return athenaQuery({
      workspace: ctx.workspace,
      domain: project.domain,
      athena: await ctx.clients.get(AthenaClient, project.domain.access),
      workGroup: project.config.aws.athenaWorkGroup,
      outputLocation: athenaOutputLocation(project),
      configFile: project.config.file,
      output: ctx.output,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
      ...(ctx.now ? { now: ctx.now } : {}),
    });
  }
  const { catalogQuery } = await import('./datasets/catalog-query.js');
  return catalogQuery(ctx.workspace, project.domain.name);
}

/** `mesh personalize train`: build → validate (before anything is uploaded or trained) → train. */
export async function trainPersonalize(ctx: PersonalizeContext, input: TrainInput = {}): Promise<TrainResult> {
  if (ctx.target === 'aws' && !ctx.clients) {
    // One client factory for the whole run: the dataset queries (Athena) and the Personalize calls.
    const { AwsClients } = await import('../aws/clients.js');
    const clients = new AwsClients(ctx.awsOptions);
    try {
      return await trainPersonalize({ ...ctx, clients }, input);
    } finally {
      clients.destroy();
    }
  }
  const project = openPersonalizeProject(ctx.workspace, ctx.domain);
  const names = solutionNames(project, input.solutions);
  let realtime: RealtimeRecords | undefined;
  let watermarks = { events: 0, items: 0, users: 0 };
  if (ctx.target === 'local') {
    const { EventsStore } = await import('./local/events-store.js');
    const store = await EventsStore.open(project.paths.eventsDb);
    try {
      watermarks = store.watermarks();
      realtime = {
        interactions: store.allEvents(),
        items: store.itemsAfter(0).map((r) => r.record),
        users: store.usersAfter(0).map((r) => r.record),
      };
    } finally {
      store.close();
    }
  }
  const built = await buildDatasets(project, await defaultQuery(ctx, project), realtime);
  if (built.droppedEvents > 0) {
    ctx.output.warn(
      `${built.droppedEvents} real-time event(s) name items that are in no dataset (not put with PutItems); they were left out of training.`,
    );
  }
  enforceDatasetCheck(project, checkDatasets(project, built), ctx.output);
  const datasets = Object.values(built.files).map((f) => ({ type: f.type, file: f.file, rows: f.rows, fingerprint: f.fingerprint }));
  if (input.dryRun) return { target: ctx.target, domain: project.domain.name, datasets, solutions: [], dryRun: true };
  if (ctx.target === 'local') {
    const { trainLocal } = await import('./local/train-local.js');
    const { localVersionArn } = await import('./local/deploy-local.js');
    const meta = await trainLocal(
      project,
      built,
      watermarks,
      {
        ...(names ? { solutions: names } : {}),
        ...(input.trainingMode ? { trainingMode: input.trainingMode } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(input.params ? { params: input.params } : {}),
      },
      ctx.output,
    );
    return {
      target: 'local',
      domain: project.domain.name,
      datasets,
      version: meta.version,
      solutions: Object.values(meta.solutions).map((s) => ({
        solution: s.solution,
        recipe: s.recipe,
        solutionVersionArn: localVersionArn(project, s.solution, meta.version),
        trainingMode: s.trainingMode,
        reused: false,
        metrics: s.metrics,
        ...(s.metricsStd ? { metricsStd: s.metricsStd } : {}),
        ...(s.splits ? { splits: s.splits.count } : {}),
        ...(s.baseline ? { baseline: { metrics: s.baseline.metrics, metricsStd: s.baseline.metricsStd } } : {}),
        method: s.method,
      })),
    };
  }
  const { startAwsTrain } = await import('./aws/train-aws.js');
  const result = await withAws(ctx, project, (env) => startAwsTrain(env, built, { ...input, ...(names ? { solutions: names } : {}) }));
  return {
    target: 'aws',
    domain: project.domain.name,
    datasets,
    solutions: result.versions.map((v) => ({
      solution: v.solution,
      recipe: project.config.solutions.find((s) => s.name === v.solution)?.recipeArn ?? '',
      solutionVersionArn: v.solutionVersionArn,
      trainingMode: v.trainingMode,
      reused: v.reused,
      metrics: v.metrics,
      ...(v.trainingHours === undefined ? {} : { trainingHours: v.trainingHours }),
    })),
  };
}

/** `mesh personalize deploy`: the TPS ceiling first (before any call), then the gated rollout. */
export async function deployPersonalize(ctx: PersonalizeContext, input: DeployInput = {}): Promise<DeployResult> {
  const project = openPersonalizeProject(ctx.workspace, ctx.domain);
  const names = solutionNames(project, input.solutions);
  checkTpsCeiling(
    campaignSolutions(project.config.solutions, names),
    project.config.maxProvisionedTPS,
    input.minProvisionedTPS,
    project.config.file,
  );
  const resolved = { ...input, ...(names ? { solutions: names } : {}) };
  if (ctx.target === 'local') {
    const { deployLocal } = await import('./local/deploy-local.js');
    return {
      target: 'local',
      domain: project.domain.name,
      ...(await deployLocal(project, resolved, ctx.output)),
      ...(input.dryRun ? { dryRun: true } : {}),
    };
  }
  const { deployAws } = await import('./aws/deploy-aws.js');
  return {
    target: 'aws',
    domain: project.domain.name,
    ...(await withAws(ctx, project, (env) => deployAws(env, resolved))),
    ...(input.dryRun ? { dryRun: true } : {}),
  };
}

/** `mesh personalize rollback`: each campaign back to the version it served before. */
export async function rollbackPersonalize(
  ctx: PersonalizeContext,
  input: { solutions?: readonly string[] } = {},
): Promise<{ target: Target; domain: string; deployments: CampaignDeployment[] }> {
  const project = openPersonalizeProject(ctx.workspace, ctx.domain);
  const names = solutionNames(project, input.solutions);
  const resolved = names ? { solutions: names } : {};
  if (ctx.target === 'local') {
    const { rollbackLocal } = await import('./local/deploy-local.js');
    return { target: 'local', domain: project.domain.name, deployments: await rollbackLocal(project, resolved) };
  }
  const { rollbackAws } = await import('./aws/deploy-aws.js');
  return { target: 'aws', domain: project.domain.name, deployments: await withAws(ctx, project, (env) => rollbackAws(env, resolved)) };
}

/** `mesh personalize status [--no-wait]`: what is in progress (aws: continues waiting and resumes a train run). */
export async function personalizeStatus(ctx: PersonalizeContext, options: { wait?: boolean } = {}): Promise<StatusResult> {
  const project = openPersonalizeProject(ctx.workspace, ctx.domain);
  if (ctx.target === 'local') {
    const { localStatus } = await import('./local/status-local.js');
    return { target: 'local', domain: project.domain.name, ...(await localStatus(project)) };
  }
  const { statusAws } = await import('./aws/status-aws.js');
  return {
    target: 'aws',
    domain: project.domain.name,
    ...(await withAws(ctx, project, (env) => statusAws(env, { wait: options.wait ?? true }))),
  };
}

/** `mesh personalize recommend --user U | --item I`: GetRecommendations' shape on both targets. */
export async function recommendPersonalize(ctx: PersonalizeContext, req: LocalRecommendRequest): Promise<RecommendationsResult> {
  const project = openPersonalizeProject(ctx.workspace, ctx.domain);
  if (req.solution !== undefined) solutionNames(project, [req.solution]);
  if (ctx.target === 'local') {
    const { LocalCampaignRuntime } = await import('./local/local-campaign.js');
    const runtime = await LocalCampaignRuntime.open(project);
    try {
      return await runtime.recommend(req);
    } finally {
      runtime.close();
    }
  }
  const [{ PersonalizeRuntimeClient }, { AwsClients }, { recommendAws }] = await Promise.all([
    import('@aws-sdk/client-personalize-runtime'),
    import('../aws/clients.js'),
    import('./aws/recommend-aws.js'),
  ]);
  const clients = ctx.clients ?? new AwsClients(ctx.awsOptions);
  try {
    return await recommendAws(project, await clients.get(PersonalizeRuntimeClient, project.domain.access), req);
  } finally {
    if (!ctx.clients) clients.destroy();
  }
}
