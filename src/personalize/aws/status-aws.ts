/**
 * `mesh personalize status` on aws: describes every job mesh recorded as in progress; unless --no-wait, waits for
 * them and finishes an interrupted train run from its record (every step is describe-or-create, so nothing is
 * created twice). Then summarises solutions and campaigns.
 */
import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import { emit } from '../../core/messages.js';
import type { JobStatus } from '../../core/waiter.js';
import { resourceNames } from '../project.js';
import { type AwsPersonalizeEnv, call, clearPending, type PendingJob, pendingJobs, waitForJob } from './aws-env.js';
import { listCampaigns } from './deploy-aws.js';
import { describeJob } from './describe-job.js';
import { findDatasetGroup, findSolution } from './resources.js';
import { type AwsTrainResult, continueAwsTrain, listSolutionVersions, unfinishedTrain } from './train-aws.js';

export interface PendingReport extends PendingJob {
  readonly status: string;
  readonly reason?: string;
}

export interface SolutionStatus {
  readonly solution: string;
  readonly solutionArn?: string;
  readonly latestVersionArn?: string;
  readonly latestVersionStatus?: string;
  readonly campaignArn?: string;
  readonly campaignStatus?: string;
  readonly servingVersionArn?: string;
  readonly updateStatus?: string;
}

export interface AwsStatusResult {
  readonly pending: readonly PendingReport[];
  /** A train run finished by this status call. */
  readonly resumedTrain?: AwsTrainResult;
  /** A train run is still unfinished (with --no-wait, or nothing to wait on yet). */
  readonly unfinishedTrain: boolean;
  readonly datasetGroupArn?: string;
  readonly solutions: readonly SolutionStatus[];
}

export async function statusAws(env: AwsPersonalizeEnv, options: { wait: boolean }): Promise<AwsStatusResult> {
  const pending: PendingReport[] = [];
  for (const job of pendingJobs(env)) {
    let s: JobStatus;
    try {
      s = await describeJob(env, job.kind, job.arn);
    } catch (error) {
      if ((error as { code?: string }).code === 'AwsResourceNotFound') {
        clearPending(env, job.arn, job.kind);
        pending.push({ ...job, status: 'NOT FOUND' });
        continue;
      }
      throw error;
    }
    pending.push({ ...job, status: s.status, ...(s.reason ? { reason: s.reason } : {}) });
    if (s.done || s.failed) clearPending(env, job.arn, job.kind);
  }
  let resumedTrain: AwsTrainResult | undefined;
  if (options.wait) {
    for (const job of pending) {
      if (job.status === 'ACTIVE' || job.status.includes('FAILED') || job.status === 'NOT FOUND') continue;
      await waitForJob(env, job, () => describeJob(env, job.kind, job.arn));
    }
    const record = unfinishedTrain(env);
    if (record) {
      emit(env.host, 'info', 'personalize.train.resuming', { startedAt: record.startedAt });
      resumedTrain = await continueAwsTrain(env, record);
    }
  }
  const datasetGroupArn = await findDatasetGroup(env);
  const solutions: SolutionStatus[] = [];
  if (datasetGroupArn) {
    for (const s of env.project.config.solutions) {
      const solutionArn = await findSolution(env, datasetGroupArn, s);
      if (!solutionArn) {
        solutions.push({ solution: s.name });
        continue;
      }
      const latest = (await listSolutionVersions(env, solutionArn))[0];
      const summary = (await listCampaigns(env, solutionArn)).find((c) => c.name === resourceNames.campaign(env.project, s));
      const campaign = summary?.campaignArn
        ? (
            await call('describing campaign', () =>
              env.personalize.send(new DescribeCampaignCommand({ campaignArn: summary.campaignArn as string })),
            )
          ).campaign
        : undefined;
      solutions.push({
        solution: s.name,
        solutionArn,
        ...(latest?.solutionVersionArn ? { latestVersionArn: latest.solutionVersionArn, latestVersionStatus: latest.status ?? '' } : {}),
        ...(campaign?.campaignArn ? { campaignArn: campaign.campaignArn, campaignStatus: campaign.status ?? '' } : {}),
        ...(campaign?.solutionVersionArn ? { servingVersionArn: campaign.solutionVersionArn } : {}),
        ...(campaign?.latestCampaignUpdate?.status ? { updateStatus: campaign.latestCampaignUpdate.status } : {}),
      });
    }
  }
  return {
    pending,
    ...(resumedTrain ? { resumedTrain } : {}),
    unfinishedTrain: unfinishedTrain(env) !== undefined,
    ...(datasetGroupArn ? { datasetGroupArn } : {}),
    solutions,
  };
}
