/**
 * The personalize port on aws: Amazon Personalize in the consumer domain's account (imports, solutions, campaigns,
 * the event tracker and filters), its datasets read by Athena over the domain's resource links and uploaded to S3.
 * Every client comes from the run's AwsClients. Long waits record what is pending first, so an interrupted run
 * (Ctrl-C, kill -9) is resumed by `mesh personalize status`.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { IAMClient } from '@aws-sdk/client-iam';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import type { IoHost } from '../../core/messages.js';
import type { WaitOptions } from '../../core/waiter.js';
import type { StateStore } from '../../engine/state.js';
import type { SolutionConfig } from '../config.js';
import type { BuiltDatasets, QueryRows } from '../datasets/build.js';
import type { CampaignDecision } from '../deploy-plan.js';
import type { CampaignDeployment } from '../deployment.js';
import type { PersonalizeOutputs } from '../outputs.js';
import type {
  ObservedCampaign,
  PersonalizePort,
  PersonalizeStatus,
  RecommendationsResult,
  RecommendRequest,
  TrainedSolution,
  TrainInput,
} from '../port.js';
import type { PersonalizeProject } from '../project.js';
import type { OutputsSpec } from '../resources.js';
import type { AwsPersonalizeEnv } from './aws-env.js';
import { applyAwsCampaign, finishAwsDeploy, observeAwsCampaigns, rollbackAws } from './deploy-aws.js';

export interface AwsPersonalizePortOptions {
  readonly project: PersonalizeProject;
  /** The run's client factory (the caller destroys it). */
  readonly clients: AwsClients;
  readonly host: IoHost;
  readonly state: StateStore;
  readonly signal?: AbortSignal;
  /** Tests: the waiter's sleep and clock. */
  readonly sleep?: WaitOptions['sleep'];
  readonly now?: () => number;
}

export class AwsPersonalizePort implements PersonalizePort {
  readonly target = 'aws' as const;
  readonly untrainedHint = 'Run `mesh personalize train` (or `mesh personalize status` to finish a training in progress).';
  private env: AwsPersonalizeEnv | undefined;

  constructor(private readonly options: AwsPersonalizePortOptions) {}

  private async personalizeEnv(): Promise<AwsPersonalizeEnv> {
    if (this.env) return this.env;
    const { project, clients, host, state, signal, sleep, now } = this.options;
    const access = project.domain.access;
    this.env = {
      project,
      personalize: await clients.get(PersonalizeClient, access),
      s3: await clients.get(S3Client, access),
      iam: await clients.get(IAMClient, access),
      host,
      state,
      ...(signal ? { signal } : {}),
      ...(sleep ? { sleep } : {}),
      ...(now ? { now } : {}),
    };
    return this.env;
  }

  async datasetQuery(): Promise<QueryRows> {
    const { athenaQuery, athenaOutputLocation } = await import('../datasets/athena-query.js');
    const { project, clients, host, signal, sleep, now } = this.options;
    return athenaQuery({
      workspace: project.workspace,
      domain: project.domain,
      athena: await clients.get(AthenaClient, project.domain.access),
      workGroup: project.config.aws.athenaWorkGroup,
      outputLocation: athenaOutputLocation(project),
      configFile: project.config.file,
      host,
      ...(signal ? { signal } : {}),
      ...(sleep ? { sleep } : {}),
      ...(now ? { now } : {}),
    });
  }

  /** Real-time records go to Personalize directly (PutEvents…): nothing to fold into the datasets. */
  async realtime(): Promise<{ watermarks: { events: number; items: number; users: number } }> {
    return { watermarks: { events: 0, items: 0, users: 0 } };
  }

  async train(built: BuiltDatasets, _watermarks: unknown, input: TrainInput): Promise<{ solutions: TrainedSolution[] }> {
    const { startAwsTrain } = await import('./train-aws.js');
    const result = await startAwsTrain(await this.personalizeEnv(), built, input);
    const config = this.options.project.config;
    return {
      solutions: result.versions.map((v) => ({
        solution: v.solution,
        recipe: config.solutions.find((s) => s.name === v.solution)?.recipeArn ?? '',
        solutionVersionArn: v.solutionVersionArn,
        trainingMode: v.trainingMode,
        reused: v.reused,
        metrics: v.metrics,
        ...(v.trainingHours === undefined ? {} : { trainingHours: v.trainingHours }),
      })),
    };
  }

  async observeCampaigns(solutions: readonly SolutionConfig[]): Promise<ObservedCampaign[]> {
    return observeAwsCampaigns(await this.personalizeEnv(), solutions);
  }

  async applyCampaign(decision: CampaignDecision): Promise<{ campaignArn: string }> {
    return applyAwsCampaign(await this.personalizeEnv(), decision);
  }

  async finishDeploy(spec: OutputsSpec): Promise<PersonalizeOutputs> {
    return finishAwsDeploy(await this.personalizeEnv(), spec);
  }

  async rollback(solutions: readonly SolutionConfig[], named: boolean): Promise<CampaignDeployment[]> {
    return rollbackAws(await this.personalizeEnv(), solutions, named);
  }

  async status(options: { wait: boolean }): Promise<PersonalizeStatus> {
    const { statusAws } = await import('./status-aws.js');
    return { target: 'aws', ...(await statusAws(await this.personalizeEnv(), options)) };
  }

  async recommend(req: RecommendRequest): Promise<RecommendationsResult> {
    const { recommendAws } = await import('./recommend-aws.js');
    const { project, clients } = this.options;
    return recommendAws(project, await clients.get(PersonalizeRuntimeClient, project.domain.access), req);
  }

  async close(): Promise<void> {}
}
