/**
 * The `mesh personalize` operations, one function per subcommand, the same on both targets: the target picks the
 * port's adapter (openPersonalizePort, the one place it is read), and everything else is target-free. The deploy
 * decision is the pure planner's (deploy-plan.ts). The toolkit (src/toolkit/personalize.ts) calls these with the
 * run's clients and IO host; tests call them directly.
 */
import type { AwsClients } from '../aws/clients.js';
import { didYouMean, usageError } from '../core/errors.js';
import { emit, type IoHost, silentHost } from '../core/messages.js';
import { withProgress } from '../core/progress.js';
import type { WaitOptions } from '../core/waiter.js';
import type { Target, Workspace } from '../workspace/model.js';
import { buildDatasets, type QueryRows } from './datasets/build.js';
import { checkDatasets, enforceDatasetCheck } from './datasets/check.js';
import { type CampaignDeployment, campaignSolutions, checkTpsCeiling, type DeployInput, deploymentOf } from './deployment.js';
import { openPersonalizePort } from './open-port.js';
import type { PersonalizeOutputs } from './outputs.js';
import type { PersonalizePort, PersonalizeStatus, RecommendationsResult, RecommendRequest, TrainInput, TrainResult } from './port.js';
import { openPersonalizeProject, type PersonalizeProject } from './project.js';

export type { TrainedSolution, TrainInput, TrainResult } from './port.js';

export interface PersonalizeContext {
  readonly workspace: Workspace;
  readonly target: Target;
  /** --domain (default: the only domain with a Personalize template). */
  readonly domain?: string;
  /** Where messages and the waits' progress go (default: nowhere). */
  readonly host?: IoHost;
  readonly signal?: AbortSignal;
  /** aws: the run's client factory (required on aws; the toolkit makes one per run). */
  readonly clients?: AwsClients;
  /** Tests: the waiter's sleep and clock. */
  readonly sleep?: WaitOptions['sleep'];
  readonly now?: () => number;
  /** Runs SQL over the domain's subscribed products (default: the port's: Athena on aws, DuckDB on local). */
  readonly query?: QueryRows;
  /** A ready port (tests). */
  readonly port?: PersonalizePort;
}

export interface DeployResult {
  readonly target: Target;
  readonly domain: string;
  readonly deployments: readonly CampaignDeployment[];
  /** Absent on a dry run (nothing was created or written). */
  readonly outputs?: PersonalizeOutputs;
  readonly dryRun?: boolean;
}

export type StatusResult = PersonalizeStatus & { readonly domain: string };

async function withPort<T>(
  ctx: PersonalizeContext,
  fn: (port: PersonalizePort, project: PersonalizeProject) => Promise<T>,
  project = openPersonalizeProject(ctx.workspace, ctx.domain),
): Promise<T> {
  const port = await openPersonalizePort(ctx, project);
  try {
    return await fn(port, project);
  } finally {
    if (!ctx.port) await port.close();
  }
}

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

/** `mesh personalize train`: build → validate (before anything is uploaded or trained) → train. */
export async function trainPersonalize(ctx: PersonalizeContext, input: TrainInput = {}): Promise<TrainResult> {
  const host = ctx.host ?? silentHost;
  return withPort(ctx, async (port, project) => {
    const names = solutionNames(project, input.solutions);
    const { records, watermarks } = await port.realtime();
    const needsCatalog = Object.values(project.config.datasets).some((d) => d && d.source.kind !== 'csv');
    const query = ctx.query ?? (needsCatalog ? await port.datasetQuery() : undefined);
    const built = await buildDatasets(project, query, records);
    if (built.droppedEvents > 0) emit(host, 'warn', 'personalize.train.events-dropped', { count: built.droppedEvents });
    enforceDatasetCheck(project, checkDatasets(project, built), host);
    const datasets = Object.values(built.files).map((f) => ({ type: f.type, file: f.file, rows: f.rows, fingerprint: f.fingerprint }));
    const base = { target: port.target, domain: project.domain.name, datasets };
    if (input.dryRun) return { ...base, solutions: [], dryRun: true };
    const train = () => port.train(built, watermarks, { ...input, ...(names ? { solutions: names } : {}) });
    // Local training is one step (a spinner past a second); on aws the waiter reports the imports and versions.
    const trained =
      port.target === 'local' ? await withProgress(host, 'Training the local recommender', train, () => 'Trained') : await train();
    return { ...base, ...trained };
  });
}

/**
 * `mesh personalize deploy`: the TPS ceiling first (before any call), then the one engine: the personalize plane plans
 * each campaign with the pure deploy planner (the gate refuses before anything changes, unless `force`) and outputs.json,
 * and applies the changes in order: campaigns, then the filters, tracker and outputs, then the waits.
 */
export async function deployPersonalize(ctx: PersonalizeContext, input: DeployInput = {}): Promise<DeployResult> {
  const project = openPersonalizeProject(ctx.workspace, ctx.domain);
  const names = solutionNames(project, input.solutions);
  checkTpsCeiling(
    campaignSolutions(project.config.solutions, names),
    project.config.maxProvisionedTPS,
    input.minProvisionedTPS,
    project.config.file,
  );
  const [{ runPlanes }, { createPersonalizePlane, decisionsOf }, { readOutputsFile }] = await Promise.all([
    import('../engine/run.js'),
    import('./plane.js'),
    import('./outputs.js'),
  ]);
  const deploy = { project, input: { ...input, ...(names ? { solutions: names } : {}) } };
  const { plan, result } = await runPlanes({
    workspace: ctx.workspace,
    target: ctx.target,
    host: ctx.host ?? silentHost,
    signal: ctx.signal ?? new AbortController().signal,
    scope: { include: { publish: true, subscriptions: false } },
    factories: [(env) => createPersonalizePlane(env, { deploy, context: ctx })],
    dryRun: Boolean(input.dryRun),
    // one change at a time: campaigns in order, then the outputs and the waits
    concurrency: 1,
    preflight: false,
    ...(ctx.clients ? { clients: ctx.clients } : {}),
  });
  const deployments = decisionsOf(plan).map(({ key, decision }) => {
    const applied = result?.attributes[key]?.campaignArn;
    const arn = typeof applied === 'string' ? applied : (decision.campaignArn ?? `(new) ${decision.campaignName}`);
    return deploymentOf(decision, arn);
  });
  const base = { target: ctx.target, domain: project.domain.name, deployments };
  if (input.dryRun) return { ...base, dryRun: true };
  const outputs = readOutputsFile(project.paths.outputsFile);
  return { ...base, ...(outputs ? { outputs } : {}) };
}

/** `mesh personalize rollback`: each campaign back to the version it served before. */
export async function rollbackPersonalize(
  ctx: PersonalizeContext,
  input: { solutions?: readonly string[] } = {},
): Promise<{ target: Target; domain: string; deployments: CampaignDeployment[] }> {
  return withPort(ctx, async (port, project) => {
    const names = solutionNames(project, input.solutions);
    const deployments = await port.rollback(campaignSolutions(project.config.solutions, names), names !== undefined);
    return { target: port.target, domain: project.domain.name, deployments };
  });
}

/** `mesh personalize status [--no-wait]`: what is in progress (aws: continues waiting and resumes a train run). */
export async function personalizeStatus(ctx: PersonalizeContext, options: { wait?: boolean } = {}): Promise<StatusResult> {
  return withPort(ctx, async (port, project) => ({ domain: project.domain.name, ...(await port.status({ wait: options.wait ?? true })) }));
}

/** `mesh personalize recommend --user U | --item I`: GetRecommendations' shape on both targets. */
export async function recommendPersonalize(ctx: PersonalizeContext, req: RecommendRequest): Promise<RecommendationsResult> {
  return withPort(ctx, async (port, project) => {
    if (req.solution !== undefined) solutionNames(project, [req.solution]);
    return port.recommend(req);
  });
}
