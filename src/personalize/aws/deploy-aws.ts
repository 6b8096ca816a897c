/**
 * `mesh personalize deploy | rollback` on aws. Deploy: for each solution with a campaign, the newest ACTIVE
 * solution version is compared with the one the campaign serves (the metrics gate) BEFORE anything changes; then
 * filters and the event tracker are ensured, campaigns created or updated (the old version serves until the
 * update is ACTIVE), and outputs.json written for the consumer functions. Rollback returns a campaign to the
 * version it served before (the history mesh keeps; else the previous ACTIVE version).
 */
import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  GetSolutionMetricsCommand,
  ListCampaignsCommand,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { MeshError } from '../../core/errors.js';
import { managedTags } from '../../workspace/naming.js';
import type { SolutionConfig } from '../config.js';
import { type CampaignDeployment, campaignSolutions, type DeployInput } from '../deployment.js';
import { enforceGate, evaluateGate, type GateVerdict } from '../gate.js';

export type { CampaignDeployment, DeployInput } from '../deployment.js';

import { type PersonalizeOutputs, writePersonalizeOutputs } from '../outputs.js';
import { resourceNames } from '../project.js';
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

interface Planned {
  solution: SolutionConfig;
  campaignArn?: string;
  candidate: string;
  deployed?: string;
  tps: number;
  gate?: GateVerdict;
  action: 'create' | 'update' | 'unchanged';
}

export async function deployAws(
  env: AwsPersonalizeEnv,
  input: DeployInput,
): Promise<{ deployments: CampaignDeployment[]; outputs?: PersonalizeOutputs }> {
  const groupArn = await requireGroup(env);
  const planned: Planned[] = [];
  for (const solution of campaignSolutions(env.project.config.solutions, input.solutions)) {
    const solutionArn = await findSolution(env, groupArn, solution);
    const candidate = solutionArn
      ? (await listSolutionVersions(env, solutionArn)).find((v) => v.status === 'ACTIVE')?.solutionVersionArn
      : undefined;
    if (!solutionArn || !candidate) {
      throw new MeshError('PersonalizeNotTrained', `Solution "${solution.name}" has no ACTIVE solution version to deploy.`, {
        hint: 'Run `mesh personalize train` (or `mesh personalize status` to finish a training in progress).',
      });
    }
    const tps = input.minProvisionedTPS ?? solution.campaign?.minProvisionedTPS ?? 1;
    let campaign = await findCampaign(env, solutionArn, solution);
    const busy = (status?: string) => status !== undefined && /PENDING|IN_PROGRESS/.test(status);
    if (campaign?.campaignArn && (busy(campaign.status) || busy(campaign.latestCampaignUpdate?.status))) {
      const arn = campaign.campaignArn;
      await waitForJob(env, { kind: 'campaign', arn, label: `campaign ${campaign.name}` }, () => describeJob(env, 'campaign', arn));
      campaign = await findCampaign(env, solutionArn, solution);
    }
    if (!campaign?.campaignArn) {
      planned.push({
        solution,
        candidate,
        tps,
        action: 'create',
        gate: evaluateGate({ ...env.project.config.deployGate, candidate: await metricsOf(env, candidate) }),
      });
      continue;
    }
    const deployed = campaign.solutionVersionArn;
    if (deployed === candidate && campaign.minProvisionedTPS === tps) {
      planned.push({ solution, campaignArn: campaign.campaignArn, candidate, deployed, tps, action: 'unchanged' });
      continue;
    }
    const gate =
      deployed === candidate
        ? undefined
        : enforceGate(
            evaluateGate({
              ...env.project.config.deployGate,
              candidate: await metricsOf(env, candidate),
              ...(deployed ? { deployed: await metricsOf(env, deployed) } : {}),
            }),
            solution.name,
            input.force ?? false,
            (m) => env.output.warn(m),
          );
    planned.push({
      solution,
      campaignArn: campaign.campaignArn,
      candidate,
      ...(deployed ? { deployed } : {}),
      tps,
      action: 'update',
      ...(gate ? { gate } : {}),
    });
  }
  if (input.dryRun) {
    return {
      deployments: planned.map((p) => ({
        solution: p.solution.name,
        campaignArn: p.campaignArn ?? `(new) ${resourceNames.campaign(env.project, p.solution)}`,
        solutionVersionArn: p.candidate,
        ...(p.deployed && p.deployed !== p.candidate ? { previousVersionArn: p.deployed } : {}),
        action: p.action,
        minProvisionedTPS: p.tps,
        ...(p.gate ? { gate: p.gate } : {}),
      })),
    };
  }
  // The gate passed for every campaign: now change things.
  const filterArns: Record<string, string> = {};
  for (const f of env.project.config.filters) filterArns[f.name] = await ensureFilter(env, groupArn, f);
  const tracker = await ensureEventTracker(env, groupArn);
  const history = env.state.getRecord<CampaignHistory>(campaignsKey(env.project.domain.name)) ?? {};
  const deployments: CampaignDeployment[] = [];
  const waits: { arn: string; label: string; solution: string; candidate: string; action: string }[] = [];
  for (const p of planned) {
    const name = resourceNames.campaign(env.project, p.solution);
    let campaignArn = p.campaignArn;
    if (p.action === 'create') {
      const r = await call(`creating campaign ${name}`, () =>
        env.personalize.send(
          new CreateCampaignCommand({ name, solutionVersionArn: p.candidate, minProvisionedTPS: p.tps, tags: tags(env) }),
        ),
      );
      campaignArn = r.campaignArn as string;
    } else if (p.action === 'update') {
      const arn = campaignArn as string;
      await call(`updating campaign ${name}`, () =>
        env.personalize.send(new UpdateCampaignCommand({ campaignArn: arn, solutionVersionArn: p.candidate, minProvisionedTPS: p.tps })),
      );
    }
    const arn = campaignArn as string;
    if (p.action !== 'unchanged') {
      const label = `campaign ${name} (${p.action})`;
      addPending(env, { kind: 'campaign', arn, label });
      const h =
        history[p.solution.name]?.campaignArn === arn
          ? (history[p.solution.name] as CampaignHistory[string])
          : { campaignArn: arn, history: p.deployed ? [p.deployed] : [] };
      if (h.history[h.history.length - 1] !== p.candidate) h.history.push(p.candidate);
      history[p.solution.name] = h;
      env.state.setRecord(campaignsKey(env.project.domain.name), history);
      waits.push({ arn, label, solution: p.solution.name, candidate: p.candidate, action: p.action });
    }
    deployments.push({
      solution: p.solution.name,
      campaignArn: arn,
      solutionVersionArn: p.candidate,
      ...(p.deployed && p.deployed !== p.candidate ? { previousVersionArn: p.deployed } : {}),
      action: p.action,
      minProvisionedTPS: p.tps,
      ...(p.gate ? { gate: p.gate } : {}),
    });
  }
  // Written before the campaigns are ACTIVE: the ARNs are known now, and an interrupted wait still leaves them.
  const outputs = await writeAwsOutputs(env, groupArn, tracker, filterArns, deployments);
  for (const w of waits) {
    await waitForJob(env, { kind: 'campaign', arn: w.arn, label: w.label }, () => describeJob(env, 'campaign', w.arn));
    env.state.record(`personalize/${env.project.domain.name}/campaign/${w.solution}`, w.action, {
      arn: w.arn,
      solutionVersionArn: w.candidate,
    });
  }
  return { deployments, outputs };
}

async function writeAwsOutputs(
  env: AwsPersonalizeEnv,
  groupArn: string,
  tracker: { arn: string; trackingId: string },
  filterArns: Record<string, string>,
  deployments: readonly CampaignDeployment[],
): Promise<PersonalizeOutputs> {
  const datasets = await findDatasets(env, groupArn);
  const campaigns: Record<string, string> = {};
  for (const d of deployments) campaigns[d.solution] = d.campaignArn;
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
    updatedAt: new Date((env.now ?? Date.now)()).toISOString(),
  };
  writePersonalizeOutputs(env.project.paths.outputsFile, outputs);
  return outputs;
}

export async function rollbackAws(env: AwsPersonalizeEnv, input: { solutions?: readonly string[] }): Promise<CampaignDeployment[]> {
  const groupArn = await requireGroup(env);
  const history = env.state.getRecord<CampaignHistory>(campaignsKey(env.project.domain.name)) ?? {};
  const out: CampaignDeployment[] = [];
  for (const solution of campaignSolutions(env.project.config.solutions, input.solutions)) {
    const solutionArn = await findSolution(env, groupArn, solution);
    const campaign = solutionArn ? await findCampaign(env, solutionArn, solution) : undefined;
    if (!solutionArn || !campaign?.campaignArn || !campaign.solutionVersionArn) {
      if (input.solutions)
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
