/**
 * `mesh personalize deploy | rollback` on local. A local campaign is a pointer from a solution to a local solution
 * version (campaigns.json), with the history rollback walks back. The same metrics gate as on aws; the event
 * tracker is a generated tracking id, kept across deploys; outputs.json carries local ARNs shaped like AWS's so the
 * consumer handlers run unchanged against `mesh dev`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MeshError } from '../../core/errors.js';
import type { Output } from '../../io/output.js';
import { RECORD_NAMES } from '../avro-rules.js';
import { type CampaignDeployment, campaignSolutions, type DeployInput } from '../deployment.js';
import { enforceGate, evaluateGate, type GateVerdict } from '../gate.js';
import { type PersonalizeOutputs, readOutputsFile, writePersonalizeOutputs } from '../outputs.js';
import { type PersonalizeProject, resourceNames } from '../project.js';
import { type LocalSolutionVersion, type LocalVersionMetadata, latestVersionWith, readVersion } from './versions.js';

export interface LocalCampaign {
  readonly campaignArn: string;
  readonly version: number;
  /** Versions served, oldest first; the last is the current one. */
  readonly history: readonly number[];
  readonly minProvisionedTPS: number;
  readonly updatedAt: string;
}

export type LocalCampaigns = Record<string, LocalCampaign>;

export function readLocalCampaigns(file: string): LocalCampaigns {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalCampaigns;
  } catch {
    return {};
  }
}

function writeLocalCampaigns(file: string, campaigns: LocalCampaigns): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(campaigns, null, 2)}\n`);
  renameSync(tmp, file);
}

/** An ARN shaped like Personalize's, in the domain's account and region (local resources). */
export function localArn(project: PersonalizeProject, resource: string): string {
  return `arn:aws:personalize:${project.domain.access.region}:${project.domain.access.account}:${resource}`;
}

/** Local solution version ARNs: `<solution ARN>/<n>`. */
export function localVersionArn(project: PersonalizeProject, solution: string, version: number): string {
  return localArn(project, `solution/${project.config.datasetGroup}-${solution}/${version}`);
}

export async function deployLocal(
  project: PersonalizeProject,
  input: DeployInput,
  output: Output,
): Promise<{ deployments: CampaignDeployment[]; outputs?: PersonalizeOutputs }> {
  const campaigns = readLocalCampaigns(project.paths.campaignsFile);
  const planned: {
    solution: string;
    name: string;
    candidate: number;
    current?: number;
    tps: number;
    gate?: GateVerdict;
    action: CampaignDeployment['action'];
  }[] = [];
  for (const solution of campaignSolutions(project.config.solutions, input.solutions)) {
    const latest = await latestVersionWith(project.paths.versionsDir, solution.name);
    if (!latest) {
      throw new MeshError('PersonalizeNotTrained', `Solution "${solution.name}" has no trained version to deploy.`, {
        hint: 'Run `mesh personalize train` first.',
      });
    }
    const tps = input.minProvisionedTPS ?? solution.campaign?.minProvisionedTPS ?? 1;
    const existing = campaigns[solution.name];
    const name = resourceNames.campaign(project, solution);
    const candidateMetrics = latest.solutions[solution.name]?.metrics ?? {};
    if (!existing) {
      planned.push({
        solution: solution.name,
        name,
        candidate: latest.version,
        tps,
        action: 'create',
        gate: evaluateGate({ ...project.config.deployGate, candidate: candidateMetrics }),
      });
      continue;
    }
    if (existing.version === latest.version && existing.minProvisionedTPS === tps) {
      planned.push({ solution: solution.name, name, candidate: latest.version, current: existing.version, tps, action: 'unchanged' });
      continue;
    }
    let gate: GateVerdict | undefined;
    if (existing.version !== latest.version) {
      const deployed = await readVersion(project.paths.versionsDir, existing.version).catch(() => undefined);
      const deployedMetrics = deployed?.solutions[solution.name]?.metrics;
      gate = enforceGate(
        evaluateGate({
          ...project.config.deployGate,
          candidate: candidateMetrics,
          ...(deployedMetrics ? { deployed: deployedMetrics } : {}),
          ...splitsForGate(project.config.deployGate.metric, latest, deployed, solution.name),
        }),
        solution.name,
        input.force ?? false,
        (m) => output.warn(m),
      );
    }
    planned.push({
      solution: solution.name,
      name,
      candidate: latest.version,
      current: existing.version,
      tps,
      action: 'update',
      ...(gate ? { gate } : {}),
    });
  }
  const now = new Date().toISOString();
  const deployments: CampaignDeployment[] = planned.map((p) => {
    const campaignArn = campaigns[p.solution]?.campaignArn ?? localArn(project, `campaign/${p.name}`);
    if (p.action !== 'unchanged') {
      const history = [...(campaigns[p.solution]?.history ?? [])];
      if (history[history.length - 1] !== p.candidate) history.push(p.candidate);
      campaigns[p.solution] = { campaignArn, version: p.candidate, history, minProvisionedTPS: p.tps, updatedAt: now };
    }
    return {
      solution: p.solution,
      campaignArn,
      solutionVersionArn: localVersionArn(project, p.solution, p.candidate),
      ...(p.current !== undefined && p.current !== p.candidate
        ? { previousVersionArn: localVersionArn(project, p.solution, p.current) }
        : {}),
      action: p.action,
      minProvisionedTPS: p.tps,
      ...(p.gate ? { gate: p.gate } : {}),
    };
  });
  if (input.dryRun) return { deployments };
  writeLocalCampaigns(project.paths.campaignsFile, campaigns);
  const outputs = writeLocalOutputs(project, campaigns);
  return { deployments, outputs };
}

export function writeLocalOutputs(project: PersonalizeProject, campaigns: LocalCampaigns): PersonalizeOutputs {
  const previous = readOutputsFile(project.paths.outputsFile);
  const dsg = project.config.datasetGroup;
  const campaignArns = Object.fromEntries(Object.entries(campaigns).map(([s, c]) => [s, c.campaignArn]));
  const primary = project.config.solutions.find((s) => campaignArns[s.name] && !/similar|sims/.test(s.recipeArn));
  const dataset = (type: keyof typeof RECORD_NAMES) => localArn(project, `dataset/${dsg}/${RECORD_NAMES[type].toUpperCase()}`);
  const outputs: PersonalizeOutputs = {
    target: 'local',
    trackingId: previous?.target === 'local' ? previous.trackingId : randomUUID(),
    eventTrackerArn: localArn(project, `event-tracker/${project.config.eventTrackerName}`),
    ...(primary ? { campaignArn: campaignArns[primary.name] } : {}),
    campaigns: campaignArns,
    datasetGroupArn: localArn(project, `dataset-group/${dsg}`),
    interactionsDatasetArn: dataset('interactions'),
    ...(project.config.datasets.items ? { itemsDatasetArn: dataset('items') } : {}),
    ...(project.config.datasets.users ? { usersDatasetArn: dataset('users') } : {}),
    filterArns: Object.fromEntries(
      project.config.filters.map((f) => [f.name, localArn(project, `filter/${resourceNames.filter(project, f.name)}`)]),
    ),
    updatedAt: new Date().toISOString(),
  };
  writePersonalizeOutputs(project.paths.outputsFile, outputs);
  return outputs;
}

export async function rollbackLocal(project: PersonalizeProject, input: { solutions?: readonly string[] }): Promise<CampaignDeployment[]> {
  const campaigns = readLocalCampaigns(project.paths.campaignsFile);
  const out: CampaignDeployment[] = [];
  for (const solution of campaignSolutions(project.config.solutions, input.solutions)) {
    const c = campaigns[solution.name];
    if (!c) {
      if (input.solutions)
        throw new MeshError('PersonalizeNotDeployed', `Solution "${solution.name}" has no campaign to roll back.`, {
          hint: 'Run `mesh personalize deploy` first.',
        });
      continue;
    }
    const at = c.history.lastIndexOf(c.version);
    const previous = at > 0 ? c.history[at - 1] : undefined;
    if (previous === undefined) {
      throw new MeshError(
        'PersonalizeNothingToRollBack',
        `Campaign of "${solution.name}" serves the only version it has served (${c.version}); there is nothing to roll back to.`,
        {
          hint: 'Deploy another solution version first.',
        },
      );
    }
    campaigns[solution.name] = { ...c, version: previous, history: c.history.slice(0, at), updatedAt: new Date().toISOString() };
    out.push({
      solution: solution.name,
      campaignArn: c.campaignArn,
      solutionVersionArn: localVersionArn(project, solution.name, previous),
      previousVersionArn: localVersionArn(project, solution.name, c.version),
      action: 'rollback',
      minProvisionedTPS: c.minProvisionedTPS,
    });
  }
  writeLocalCampaigns(project.paths.campaignsFile, campaigns);
  writeLocalOutputs(project, campaigns);
  return out;
}

/** Per-split values of the gate's metric for both versions, and whether they come from the same splits. */
function splitsForGate(
  metric: string,
  candidate: LocalVersionMetadata,
  deployed: LocalVersionMetadata | undefined,
  solution: string,
): { candidateSplits?: number[]; deployedSplits?: number[]; sameSplits?: boolean } {
  const c = candidate.solutions[solution];
  const d = deployed?.solutions[solution];
  const values = (v: LocalSolutionVersion | undefined): number[] | undefined => {
    const list = v?.splitMetrics?.map((m) => m[metric]);
    return list && list.length > 1 && list.every((x) => typeof x === 'number') ? (list as number[]) : undefined;
  };
  const candidateSplits = values(c);
  const deployedSplits = values(d);
  if (!candidateSplits || !deployedSplits || !deployed) return {};
  const sameSplits = candidate.dataFingerprint === deployed.dataFingerprint && JSON.stringify(c?.splits) === JSON.stringify(d?.splits);
  return { candidateSplits, deployedSplits, sameSplits };
}
