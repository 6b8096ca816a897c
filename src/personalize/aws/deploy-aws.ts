/**
 * `mesh personalize deploy | rollback` on aws. Deploy: observeAwsCampaigns reads each solution's newest ACTIVE version
 * and its campaign (the pure planner in ../deploy-plan.ts decides, the metrics gate included, BEFORE anything
 * changes); applyAwsCampaign creates, updates or replaces a campaign; finishAwsDeploy ensures the filters and the
 * event tracker, writes outputs.json for the consumer functions, then waits. Rollback returns a campaign to the
 * version it served before (the history mesh keeps; else the previous ACTIVE version).
 */
import {
  CreateCampaignCommand,
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  GetSolutionMetricsCommand,
  ListCampaignsCommand,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { MeshError } from '../../core/errors.js';
import { waitFor } from '../../core/waiter.js';
import { managedTags } from '../../workspace/naming.js';
import type { SolutionConfig } from '../config.js';
import type { CampaignDecision } from '../deploy-plan.js';
import type { CampaignDeployment } from '../deployment.js';
import { type PersonalizeOutputs, readOutputsFile, writePersonalizeOutputs } from '../outputs.js';
import type { ObservedCampaign } from '../port.js';
import { filtersFingerprint, resourceNames } from '../project.js';
import type { OutputsSpec } from '../resources.js';
import { type AwsPersonalizeEnv, addPending, call, campaignsKey, waitForJob } from './aws-env.js';
import { describeJob } from './describe-job.js';
import { ensureEventTracker, ensureFilter, findDatasetGroup, findDatasets, findSolution } from './resources.js';
import { listSolutionVersions } from './train-aws.js';

type CampaignHistory = Record<string, { campaignArn: string; history: string[] }>;

function tags(env: AwsPersonalizeEnv) {
  return Object.entries(managedTags(env.project.workspace.mesh, env.project.domain.name)).map(([tagKey, tagValue]) => ({
    tagKey,
    tagValue,
  }));
}

async function requireGroup(env: AwsPersonalizeEnv): Promise<string> {
  const arn = await findDatasetGroup(env);
  if (!arn) {
    throw new MeshError('PersonalizeNotTrained', `The dataset group ${env.project.config.datasetGroup} does not exist yet.`, {
      hint: 'Run `mesh personalize train` first.',
    });
  }
  return arn;
}

async function metricsOf(env: AwsPersonalizeEnv, solutionVersionArn: string): Promise<Record<string, number>> {
  const r = await call('reading solution metrics', () => env.personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn })));
  return r.metrics ?? {};
}

/** Every campaign of a solution (ListCampaigns pages with nextToken). */
export async function listCampaigns(env: AwsPersonalizeEnv, solutionArn: string): Promise<{ name?: string; campaignArn?: string }[]> {
  const out: { name?: string; campaignArn?: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call('listing campaigns', () => env.personalize.send(new ListCampaignsCommand({ solutionArn, nextToken })));
    out.push(...(page.campaigns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

async function findCampaign(env: AwsPersonalizeEnv, solutionArn: string, solution: SolutionConfig) {
  const name = resourceNames.campaign(env.project, solution);
  const arn = (await listCampaigns(env, solutionArn)).find((c) => c.name === name)?.campaignArn;
  if (!arn) return undefined;
  const d = await call(`describing campaign ${name}`, () => env.personalize.send(new DescribeCampaignCommand({ campaignArn: arn })));
  return d.campaign;
}

/** Each solution's newest ACTIVE version and its campaign; metrics are read only for versions the plan compares. */
export async function observeAwsCampaigns(env: AwsPersonalizeEnv, solutions: readonly SolutionConfig[]): Promise<ObservedCampaign[]> {
  const groupArn = await requireGroup(env);
  const out: ObservedCampaign[] = [];
  for (const solution of solutions) {
    const campaignName = resourceNames.campaign(env.project, solution);
    const solutionArn = await findSolution(env, groupArn, solution);
    const candidate = solutionArn
      ? (await listSolutionVersions(env, solutionArn)).find((v) => v.status === 'ACTIVE')?.solutionVersionArn
      : undefined;
    if (!solutionArn || !candidate) {
      out.push({ solution: solution.name, campaignName });
      continue;
    }
    let campaign = await findCampaign(env, solutionArn, solution);
    const busy = (status?: string) => status !== undefined && /PENDING|IN_PROGRESS/.test(status);
    if (campaign?.campaignArn && (busy(campaign.status) || busy(campaign.latestCampaignUpdate?.status))) {
      const arn = campaign.campaignArn;
      await waitForJob(env, { kind: 'campaign', arn, label: `campaign ${campaign.name}` }, () => describeJob(env, 'campaign', arn));
      campaign = await findCampaign(env, solutionArn, solution);
    }
    const deployed = campaign?.solutionVersionArn;
    const changes = !campaign?.campaignArn || deployed !== candidate;
    const version = async (arn: string) => ({ arn, ...(changes ? { metrics: await metricsOf(env, arn) } : {}) });
    out.push({
      solution: solution.name,
      campaignName,
      candidate: await version(candidate),
      ...(campaign?.campaignArn
        ? {
            campaign: {
              arn: campaign.campaignArn,
              ...(campaign.status ? { status: campaign.status } : {}),
              ...(deployed ? { serving: await version(deployed) } : {}),
              ...(campaign.minProvisionedTPS === undefined ? {} : { minProvisionedTPS: campaign.minProvisionedTPS }),
            },
          }
        : {}),
    });
  }
  return out;
}

/** Deletes a campaign that cannot be updated (a failed one) and waits until Personalize no longer lists it. */
async function deleteCampaign(env: AwsPersonalizeEnv, arn: string, name: string): Promise<void> {
  await call(`deleting campaign ${name}`, () => env.personalize.send(new DeleteCampaignCommand({ campaignArn: arn })));
  await waitFor({
    label: `campaign ${name} (delete)`,
    host: env.host,
    initialDelayMs: 3_000,
    maxDelayMs: 30_000,
    resumeHint: 'Run `mesh personalize deploy` again once the campaign is gone.',
    poll: async () => {
      try {
        const s = await describeJob(env, 'campaign', arn);
        return { status: s.status, done: false, failed: false };
      } catch (error) {
        if ((error as { code?: string }).code === 'AwsResourceNotFound') return { status: 'DELETED', done: true, failed: false };
        throw error;
      }
    },
    ...(env.signal ? { signal: env.signal } : {}),
    ...(env.sleep ? { sleep: env.sleep } : {}),
    ...(env.now ? { now: env.now } : {}),
  });
}

/**
 * Carries out one campaign decision: created, updated or replaced (the old version serves until an update is ACTIVE),
 * recorded as pending right after the call (an interrupted run leaves it for `mesh personalize status`) and in the
 * history rollback walks back. No wait here: outputs.json is written first (finishAwsDeploy).
 */
export async function applyAwsCampaign(env: AwsPersonalizeEnv, d: CampaignDecision): Promise<{ campaignArn: string }> {
  const name = d.campaignName;
  let campaignArn = d.campaignArn;
  if (d.action === 'replace' && campaignArn) await deleteCampaign(env, campaignArn, name);
  if (d.action === 'create' || d.action === 'replace') {
    const r = await call(`creating campaign ${name}`, () =>
      env.personalize.send(
        new CreateCampaignCommand({ name, solutionVersionArn: d.candidate, minProvisionedTPS: d.minProvisionedTPS, tags: tags(env) }),
      ),
    );
    campaignArn = r.campaignArn as string;
  } else if (d.action === 'update') {
    const arn = campaignArn as string;
    await call(`updating campaign ${name}`, () =>
      env.personalize.send(
        new UpdateCampaignCommand({ campaignArn: arn, solutionVersionArn: d.candidate, minProvisionedTPS: d.minProvisionedTPS }),
      ),
    );
  }
  const arn = campaignArn as string;
  if (d.action === 'unchanged') return { campaignArn: arn };
  addPending(env, { kind: 'campaign', arn, label: `campaign ${name} (${d.action})` });
  // Read after the call and written at once: campaign changes applied side by side do not lose each other's history.
  const history = env.state.getRecord<CampaignHistory>(campaignsKey(env.project.domain.name)) ?? {};
  const h =
    history[d.solution]?.campaignArn === arn
      ? (history[d.solution] as CampaignHistory[string])
      : { campaignArn: arn, history: d.deployed ? [d.deployed] : [] };
  if (h.history[h.history.length - 1] !== d.candidate) h.history.push(d.candidate);
  history[d.solution] = h;
  env.state.setRecord(campaignsKey(env.project.domain.name), history);
  return { campaignArn: arn };
}

/**
 * Filters and the event tracker ensured (describe-or-create), outputs.json written with every campaign's ARN (known
 * now, so an interrupted wait still leaves them), then the waits for the campaigns this deploy changed.
 */
export async function finishAwsDeploy(env: AwsPersonalizeEnv, spec: OutputsSpec): Promise<PersonalizeOutputs> {
  const groupArn = await requireGroup(env);
  const filterArns: Record<string, string> = {};
  for (const f of env.project.config.filters) filterArns[f.name] = await ensureFilter(env, groupArn, f);
  const tracker = await ensureEventTracker(env, groupArn);
  const campaigns: Record<string, string> = {};
  for (const solution of env.project.config.solutions.filter((s) => spec.solutions.includes(s.name))) {
    const solutionArn = await findSolution(env, groupArn, solution);
    const name = resourceNames.campaign(env.project, solution);
    const arn = solutionArn ? (await listCampaigns(env, solutionArn)).find((c) => c.name === name)?.campaignArn : undefined;
    if (arn) campaigns[solution.name] = arn;
  }
  const outputs = await writeAwsOutputs(env, groupArn, tracker, filterArns, campaigns);
  for (const w of spec.waitFor) {
    const arn = campaigns[w.solution];
    if (!arn) continue;
    await waitForJob(env, { kind: 'campaign', arn, label: `campaign ${w.campaignName} (${w.action})` }, () =>
      describeJob(env, 'campaign', arn),
    );
    env.state.record(`personalize/${env.project.domain.name}/campaign/${w.solution}`, w.action, { arn, solutionVersionArn: w.candidate });
  }
  return outputs;
}

async function writeAwsOutputs(
  env: AwsPersonalizeEnv,
  groupArn: string,
  tracker: { arn: string; trackingId: string },
  filterArns: Record<string, string>,
  deployed: Readonly<Record<string, string>>,
): Promise<PersonalizeOutputs> {
  const datasets = await findDatasets(env, groupArn);
  // A deploy of some solutions (--solution) keeps the campaigns of the others in the outputs.
  const previous = readOutputsFile(env.project.paths.outputsFile);
  const campaigns: Record<string, string> = previous?.target === 'aws' ? { ...previous.campaigns } : {};
  Object.assign(campaigns, deployed);
  const primary = env.project.config.solutions.find((s) => campaigns[s.name] && !/similar|sims/.test(s.recipeArn));
  const outputs: PersonalizeOutputs = {
    target: 'aws',
    trackingId: tracker.trackingId,
    eventTrackerArn: tracker.arn,
    ...(primary ? { campaignArn: campaigns[primary.name] } : {}),
    campaigns,
    datasetGroupArn: groupArn,
    ...(datasets.interactions ? { interactionsDatasetArn: datasets.interactions } : {}),
    ...(datasets.items ? { itemsDatasetArn: datasets.items } : {}),
    ...(datasets.users ? { usersDatasetArn: datasets.users } : {}),
    filterArns,
    filtersFingerprint: filtersFingerprint(env.project),
    updatedAt: new Date((env.now ?? Date.now)()).toISOString(),
  };
  writePersonalizeOutputs(env.project.paths.outputsFile, outputs);
  return outputs;
}

export async function rollbackAws(
  env: AwsPersonalizeEnv,
  solutions: readonly SolutionConfig[],
  named: boolean,
): Promise<CampaignDeployment[]> {
  const groupArn = await requireGroup(env);
  const history = env.state.getRecord<CampaignHistory>(campaignsKey(env.project.domain.name)) ?? {};
  const out: CampaignDeployment[] = [];
  for (const solution of solutions) {
    const solutionArn = await findSolution(env, groupArn, solution);
    const campaign = solutionArn ? await findCampaign(env, solutionArn, solution) : undefined;
    if (!solutionArn || !campaign?.campaignArn || !campaign.solutionVersionArn) {
      if (named)
        throw new MeshError('PersonalizeNotDeployed', `Solution "${solution.name}" has no campaign to roll back.`, {
          hint: 'Run `mesh personalize deploy` first.',
        });
      continue;
    }
    const current = campaign.solutionVersionArn;
    const h =
      history[solution.name]?.campaignArn === campaign.campaignArn
        ? (history[solution.name] as CampaignHistory[string])
        : { campaignArn: campaign.campaignArn, history: [current] };
    const at = h.history.lastIndexOf(current);
    let previous = at > 0 ? h.history[at - 1] : undefined;
    if (!previous) {
      const versions = (await listSolutionVersions(env, solutionArn)).filter((v) => v.status === 'ACTIVE');
      const index = versions.findIndex((v) => v.solutionVersionArn === current);
      previous = index >= 0 ? versions[index + 1]?.solutionVersionArn : undefined;
    }
    if (!previous) {
      throw new MeshError(
        'PersonalizeNothingToRollBack',
        `Campaign ${campaign.name} serves the only version it has served; there is nothing to roll back to.`,
        {
          hint: 'Deploy another solution version first.',
        },
      );
    }
    const prev = previous;
    const arn = campaign.campaignArn;
    await call(`rolling back campaign ${campaign.name}`, () =>
      env.personalize.send(
        new UpdateCampaignCommand({ campaignArn: arn, solutionVersionArn: prev, minProvisionedTPS: campaign.minProvisionedTPS }),
      ),
    );
    h.history = at > 0 ? h.history.slice(0, at) : [prev];
    history[solution.name] = h;
    env.state.setRecord(campaignsKey(env.project.domain.name), history);
    await waitForJob(env, { kind: 'campaign', arn, label: `campaign ${campaign.name} (rollback)` }, () =>
      describeJob(env, 'campaign', arn),
    );
    env.state.record(`personalize/${env.project.domain.name}/campaign/${solution.name}`, 'rollback', { arn, solutionVersionArn: prev });
    out.push({
      solution: solution.name,
      campaignArn: arn,
      solutionVersionArn: prev,
      previousVersionArn: current,
      action: 'rollback',
      minProvisionedTPS: campaign.minProvisionedTPS ?? 1,
    });
  }
  return out;
}
