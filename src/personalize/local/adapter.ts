/**
 * The personalize port on the local target: the in-process recommender trains versions on disk, a local campaign is
 * a pointer to one of them (campaigns.json), recommendations come from the local campaign runtime, and the datasets'
 * SQL runs in DuckDB over the local catalog.
 */
import type { IoHost } from '../../core/messages.js';
import type { SolutionConfig } from '../config.js';
import type { QueryRows, RealtimeRecords } from '../datasets/build.js';
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
import {
  applyLocalCampaign,
  localVersionArn,
  observeLocalCampaigns,
  readLocalCampaigns,
  rollbackLocal,
  writeLocalCampaigns,
  writeLocalOutputs,
} from './deploy-local.js';

export class LocalPersonalizePort implements PersonalizePort {
  readonly target = 'local' as const;
  readonly untrainedHint = 'Run `mesh personalize train` first.';

  constructor(
    private readonly project: PersonalizeProject,
    private readonly host: IoHost,
    private readonly signal?: AbortSignal,
  ) {}

  async datasetQuery(): Promise<QueryRows> {
    const { catalogQuery } = await import('../datasets/catalog-query.js');
    return catalogQuery(this.project.workspace, this.project.domain.name);
  }

  async realtime(): Promise<{ records: RealtimeRecords; watermarks: { events: number; items: number; users: number } }> {
    const { EventsStore } = await import('./events-store.js');
    const store = await EventsStore.open(this.project.paths.eventsDb);
    try {
      return {
        watermarks: store.watermarks(),
        records: {
          interactions: store.allEvents(),
          items: store.itemsAfter(0).map((r) => r.record),
          users: store.usersAfter(0).map((r) => r.record),
        },
      };
    } finally {
      store.close();
    }
  }

  async train(
    built: import('../datasets/build.js').BuiltDatasets,
    watermarks: { events: number; items: number; users: number },
    input: TrainInput,
  ): Promise<{ version: number; solutions: TrainedSolution[] }> {
    const { trainLocal } = await import('./train-local.js');
    const meta = await trainLocal(
      this.project,
      built,
      watermarks,
      {
        ...(input.solutions ? { solutions: input.solutions } : {}),
        ...(input.trainingMode ? { trainingMode: input.trainingMode } : {}),
        ...(this.signal ? { signal: this.signal } : {}),
        ...(input.params ? { params: input.params } : {}),
      },
      this.host,
    );
    return {
      version: meta.version,
      solutions: Object.values(meta.solutions).map((s) => ({
        solution: s.solution,
        recipe: s.recipe,
        solutionVersionArn: localVersionArn(this.project, s.solution, meta.version),
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

  observeCampaigns(solutions: readonly SolutionConfig[]): Promise<ObservedCampaign[]> {
    return observeLocalCampaigns(this.project, solutions);
  }

  async applyCampaign(decision: CampaignDecision): Promise<{ campaignArn: string }> {
    return applyLocalCampaign(this.project, decision);
  }

  /** A local campaign serves at once: outputs.json, and nothing to wait for. */
  async finishDeploy(): Promise<PersonalizeOutputs> {
    const campaigns = readLocalCampaigns(this.project.paths.campaignsFile);
    // Rewritten (a new file by rename) even when no campaign changed: a running `mesh dev` reloads the deployment
    // (personalize.yaml's filters included) when this file changes.
    writeLocalCampaigns(this.project.paths.campaignsFile, campaigns);
    return writeLocalOutputs(this.project, campaigns);
  }

  async rollback(solutions: readonly SolutionConfig[], named: boolean): Promise<CampaignDeployment[]> {
    return rollbackLocal(this.project, solutions, named);
  }

  async status(): Promise<PersonalizeStatus> {
    const { localStatus } = await import('./status-local.js');
    return { target: 'local', ...(await localStatus(this.project)) };
  }

  async recommend(req: RecommendRequest): Promise<RecommendationsResult> {
    const { LocalCampaignRuntime } = await import('./local-campaign.js');
    const runtime = await LocalCampaignRuntime.open(this.project);
    try {
      return await runtime.recommend(req);
    } finally {
      runtime.close();
    }
  }

  async close(): Promise<void> {}
}
