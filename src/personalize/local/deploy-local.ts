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
import { RECORD_NAMES } from '../avro-rules.js';
import type { SolutionConfig } from '../config.js';
import type { CampaignDecision } from '../deploy-plan.js';
import type { CampaignDeployment } from '../deployment.js';
import { type PersonalizeOutputs, readOutputsFile, writePersonalizeOutputs } from '../outputs.js';
import type { ObservedCampaign, VersionObservation } from '../port.js';
import { filtersFingerprint, type PersonalizeProject, resourceNames } from '../project.js';
import { type LocalVersionMetadata, latestVersionWith, readVersion } from './versions.js';

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

export function writeLocalCampaigns(file: string, campaigns: LocalCampaigns): void {
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

/** Each solution's newest local version and the version its local campaign serves (with the gate's numbers). */
export async function observeLocalCampaigns(
  project: PersonalizeProject,
  solutions: readonly SolutionConfig[],
): Promise<ObservedCampaign[]> {
  const campaigns = readLocalCampaigns(project.paths.campaignsFile);
  const out: ObservedCampaign[] = [];
  for (const solution of solutions) {
    const latest = await latestVersionWith(project.paths.versionsDir, solution.name);
    const existing = campaigns[solution.name];
    const deployed =
      existing && latest && existing.version !== latest.version
        ? await readVersion(project.paths.versionsDir, existing.version).catch(() => undefined)
        : undefined;
    out.push({
      solution: solution.name,
      campaignName: resourceNames.campaign(project, solution),
      ...(latest ? { candidate: versionObservation(project, solution.name, latest.version, latest) } : {}),
      ...(existing
        ? {
            campaign: {
              arn: existing.campaignArn,
              serving: versionObservation(project, solution.name, existing.version, deployed),
              minProvisionedTPS: existing.minProvisionedTPS,
            },
          }
        : {}),
    });
  }
  return out;
}

function versionObservation(
  project: PersonalizeProject,
  solution: string,
  version: number,
  meta: LocalVersionMetadata | undefined,
): VersionObservation {
  const s = meta?.solutions[solution];
  return {
    arn: localVersionArn(project, solution, version),
    ...(s ? { metrics: s.metrics } : {}),
    ...(s?.splitMetrics ? { splitMetrics: s.splitMetrics } : {}),
    ...(meta && s?.splits ? { splitKey: `${meta.dataFingerprint}:${JSON.stringify(s.splits)}` } : {}),
  };
}

/** The version number at the end of a local solution version ARN. */
function versionOf(arn: string): number {
  return Number(arn.slice(arn.lastIndexOf('/') + 1));
}

/** Points a local campaign at the planned version (campaigns.json, with the history rollback walks back). */
export function applyLocalCampaign(project: PersonalizeProject, d: CampaignDecision): { campaignArn: string } {
  // Read, changed and written with no await in between: campaign changes applied side by side do not lose each other.
  const campaigns = readLocalCampaigns(project.paths.campaignsFile);
  const campaignArn = campaigns[d.solution]?.campaignArn ?? localArn(project, `campaign/${d.campaignName}`);
  if (d.action === 'unchanged') return { campaignArn };
  const candidate = versionOf(d.candidate);
  const history = [...(campaigns[d.solution]?.history ?? [])];
  if (history[history.length - 1] !== candidate) history.push(candidate);
  campaigns[d.solution] = {
    campaignArn,
    version: candidate,
    history,
    minProvisionedTPS: d.minProvisionedTPS,
    updatedAt: new Date().toISOString(),
  };
  writeLocalCampaigns(project.paths.campaignsFile, campaigns);
  return { campaignArn };
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
    filtersFingerprint: filtersFingerprint(project),
    updatedAt: new Date().toISOString(),
  };
  writePersonalizeOutputs(project.paths.outputsFile, outputs);
  return outputs;
}

export function rollbackLocal(project: PersonalizeProject, solutions: readonly SolutionConfig[], named: boolean): CampaignDeployment[] {
  const campaigns = readLocalCampaigns(project.paths.campaignsFile);
  const out: CampaignDeployment[] = [];
  for (const solution of solutions) {
    const c = campaigns[solution.name];
    if (!c) {
      if (named)
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
