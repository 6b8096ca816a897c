/**
 * The personalize port: what the personalize plane needs from a target. Two adapters implement it side by side:
 * `aws/` (Amazon Personalize, Athena for the dataset queries, S3 for the uploads) and `local/` (the in-process
 * recommender, the embedded events store, DuckDB over the local catalog). The plane and the service decide (the pure
 * deploy planner in deploy-plan.ts); the adapters observe and carry the decisions out.
 */
import type { Target } from '../workspace/model.js';
import type { DatasetType } from './avro-rules.js';
import type { SolutionConfig } from './config.js';
import type { BuiltDatasets, QueryRows, RealtimeRecords } from './datasets/build.js';
import type { CampaignDecision } from './deploy-plan.js';
import type { CampaignDeployment } from './deployment.js';
import type { PersonalizeOutputs } from './outputs.js';
import type { EngineParams } from './recommender/index.js';
import type { OutputsSpec } from './resources.js';

/** A trained solution version as the gate reads it. */
export interface VersionObservation {
  readonly arn: string;
  /** GetSolutionMetrics names. Absent when the plan does not need them (the version does not change). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Each holdout split's metrics (local versions), and what identifies the splits (same key: same splits). */
  readonly splitMetrics?: readonly Readonly<Record<string, number>>[];
  readonly splitKey?: string;
}

/** What exists for one solution with a campaign: its newest trained version, and the campaign if there is one. */
export interface ObservedCampaign {
  readonly solution: string;
  readonly campaignName: string;
  /** The newest trained version (ACTIVE on aws); undefined when nothing is trained. */
  readonly candidate?: VersionObservation;
  readonly campaign?: {
    readonly arn: string;
    /** aws: the campaign's status (ACTIVE, CREATE FAILED…). */
    readonly status?: string;
    readonly serving?: VersionObservation;
    readonly minProvisionedTPS?: number;
  };
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

export interface RecommendRequest {
  /** Solution name (default: the first campaign answering this kind of request). */
  readonly solution?: string;
  readonly userId?: string;
  readonly itemId?: string;
  readonly numResults?: number;
  /** Filter name from personalize.yaml; undefined → defaultFilter; null → no filter. */
  readonly filter?: string | null;
  readonly filterValues?: Readonly<Record<string, string>>;
}

export interface RecommendationsResult {
  readonly itemList: { itemId: string; score: number }[];
  readonly recommendationId: string;
  /** True when the user has no history: the list is the popular items (scores = share of users), as on Personalize. */
  readonly coldStart?: boolean;
}

export type PersonalizeStatus =
  | ({ readonly target: 'aws' } & import('./aws/status-aws.js').AwsStatusResult)
  | ({ readonly target: 'local' } & import('./local/status-local.js').LocalStatus);

export interface PersonalizePort {
  readonly target: Target;
  /** The hint when a solution has nothing trained to deploy. */
  readonly untrainedHint: string;
  /** Runs the datasets' SQL over the domain's products (aws: Athena over its resource links; local: DuckDB). */
  datasetQuery(): Promise<QueryRows>;
  /** Records put through the real-time APIs since, with the store's watermarks (local; none on aws). */
  realtime(): Promise<{ readonly records?: RealtimeRecords; readonly watermarks: { events: number; items: number; users: number } }>;
  /** Trains (aws: imports then solution versions, waiting; local: the recommender). */
  train(
    built: BuiltDatasets,
    watermarks: { events: number; items: number; users: number },
    input: TrainInput,
  ): Promise<{ version?: number; solutions: TrainedSolution[] }>;
  /** Each solution's newest trained version and its campaign (waits for a campaign that is being changed). */
  observeCampaigns(solutions: readonly SolutionConfig[]): Promise<ObservedCampaign[]>;
  /**
   * Carries out one campaign decision (create, update, replace; unchanged does nothing) and records what it started
   * (aws: the campaign as pending, the history rollback walks back), without waiting: the outputs come first.
   */
  applyCampaign(decision: CampaignDecision): Promise<{ readonly campaignArn: string }>;
  /**
   * Ensures the filters and the event tracker, writes outputs.json for the consumer functions, then waits for the
   * campaigns being changed (aws; each recorded as pending first, so an interrupted wait resumes with `status`).
   */
  finishDeploy(spec: OutputsSpec): Promise<PersonalizeOutputs>;
  /** Each campaign back to the version it served before. `named`: the user named these solutions (missing is an error). */
  rollback(solutions: readonly SolutionConfig[], named: boolean): Promise<CampaignDeployment[]>;
  status(options: { wait: boolean }): Promise<PersonalizeStatus>;
  recommend(req: RecommendRequest): Promise<RecommendationsResult>;
  close(): Promise<void>;
}
