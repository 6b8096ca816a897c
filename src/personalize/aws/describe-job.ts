/** One describe call per kind of Personalize job, mapped to the waiter's status (used by train, deploy and status). */
import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
} from '@aws-sdk/client-personalize';
import type { JobStatus } from '../../core/waiter.js';
import { type AwsPersonalizeEnv, call, jobStatus, type PendingKind } from './aws-env.js';

export async function describeJob(env: AwsPersonalizeEnv, kind: PendingKind, arn: string): Promise<JobStatus> {
  const p = env.personalize;
  const what = `describing ${kind} ${arn}`;
  switch (kind) {
    case 'dataset-group': {
      const r = await call(what, () => p.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn })));
      return jobStatus(r.datasetGroup?.status, r.datasetGroup?.failureReason);
    }
    case 'dataset': {
      const r = await call(what, () => p.send(new DescribeDatasetCommand({ datasetArn: arn })));
      return jobStatus(r.dataset?.status);
    }
    case 'import-job': {
      const r = await call(what, () => p.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })));
      return jobStatus(r.datasetImportJob?.status, r.datasetImportJob?.failureReason);
    }
    case 'solution': {
      const r = await call(what, () => p.send(new DescribeSolutionCommand({ solutionArn: arn })));
      return jobStatus(r.solution?.status);
    }
    case 'solution-version': {
      const r = await call(what, () => p.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn })));
      return jobStatus(r.solutionVersion?.status, r.solutionVersion?.failureReason);
    }
    case 'campaign': {
      const r = await call(what, () => p.send(new DescribeCampaignCommand({ campaignArn: arn })));
      const c = r.campaign;
      // An update in flight shows in latestCampaignUpdate; the campaign itself stays ACTIVE meanwhile.
      const update = c?.latestCampaignUpdate;
      if (c?.status === 'ACTIVE' && update?.status && update.status !== 'ACTIVE') return jobStatus(update.status, update.failureReason);
      return jobStatus(c?.status, c?.failureReason);
    }
    case 'filter': {
      const r = await call(what, () => p.send(new DescribeFilterCommand({ filterArn: arn })));
      return jobStatus(r.filter?.status, r.filter?.failureReason);
    }
    case 'event-tracker': {
      const r = await call(what, () => p.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn })));
      return jobStatus(r.eventTracker?.status);
    }
  }
}
