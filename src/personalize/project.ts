/**
 * A domain's Personalize project: the domain, its personalize.yaml, where its local files live, and the names
 * of its AWS resources. Everything the train/deploy/status/recommend flows share.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { didYouMean, MeshError, usageError } from '../core/errors.js';
import type { Domain, Workspace } from '../workspace/model.js';
import { fill } from '../workspace/naming.js';
import { personalizeOutputsFile } from '../workspace/personalize-outputs.js';
import { requireDomain } from '../workspace/require-domain.js';
import type { DatasetType } from './avro-rules.js';
import { loadPersonalizeConfig, type PersonalizeConfig, recipeKind, type SolutionConfig } from './config.js';

export interface PersonalizePaths {
  /** `<mesh.localDir>/personalize/<domain>` */
  readonly root: string;
  /** Exported Personalize-shaped CSVs. */
  readonly datasetsDir: string;
  /** Local solution versions, `versions/<n>/`. */
  readonly versionsDir: string;
  /** Local campaigns (which version each serves, and the history for rollback). */
  readonly campaignsFile: string;
  /** Real-time events, items and users (PutEvents/PutItems/PutUsers) on local. */
  readonly eventsDb: string;
  /** Tracking id and ARNs the consumer handlers read. */
  readonly outputsFile: string;
}

export interface PersonalizeProject {
  readonly workspace: Workspace;
  readonly domain: Domain;
  readonly config: PersonalizeConfig;
  readonly paths: PersonalizePaths;
}

export function personalizePaths(workspace: Workspace, domain: string): PersonalizePaths {
  const root = path.join(workspace.mesh.localDir, 'personalize', domain);
  return {
    root,
    datasetsDir: path.join(root, 'datasets'),
    versionsDir: path.join(root, 'versions'),
    campaignsFile: path.join(root, 'campaigns.json'),
    eventsDb: path.join(root, 'events.db'),
    outputsFile: personalizeOutputsFile(workspace, domain),
  };
}

/** Domains that have a Personalize template. */
export function personalizeDomains(workspace: Workspace): Domain[] {
  return workspace.domains.filter((d) => d.personalizeFile !== undefined);
}

/** The domain `--domain` names, or the only one with a Personalize template. */
export function selectPersonalizeDomain(workspace: Workspace, name?: string): Domain {
  const candidates = personalizeDomains(workspace);
  if (name !== undefined) {
    const domain = requireDomain(workspace, name);
    if (!domain.personalizeFile) {
      throw new MeshError('PersonalizeNotConfigured', `Domain "${name}" has no Personalize template.`, {
        hint: 'Add `personalize: personalize/personalize.yaml` to its domain file (mesh init writes one for the recommendations use case).',
      });
    }
    return domain;
  }
  if (candidates.length === 1) return candidates[0] as Domain;
  if (candidates.length === 0) {
    throw new MeshError('PersonalizeNotConfigured', 'No domain in this workspace has a Personalize template.', {
      hint: 'Create a consumer domain for recommendations (`mesh init consumer <name> --use-case recommendations`).',
    });
  }
  throw usageError(`Several domains have a Personalize template: ${candidates.map((d) => d.name).join(', ')}.`, 'Pass --domain <name>.');
}

export function openPersonalizeProject(workspace: Workspace, domainName?: string): PersonalizeProject {
  const domain = selectPersonalizeDomain(workspace, domainName);
  const config = loadPersonalizeConfig(
    domain.personalizeFile as string,
    { mesh: workspace.mesh.name, domain: domain.name, account: domain.access.account },
    { root: workspace.root, domainDir: domain.dir, localDir: workspace.mesh.localDir },
  );
  return { workspace, domain, config, paths: personalizePaths(workspace, domain.name) };
}

/** Deterministic AWS resource names (the describe-or-create keys). */
export const resourceNames = {
  schema: (p: PersonalizeProject, type: DatasetType) => `${p.config.datasetGroup}-${type}`,
  dataset: (p: PersonalizeProject, type: DatasetType) => `${p.config.datasetGroup}-${type}`,
  solution: (p: PersonalizeProject, s: SolutionConfig) => `${p.config.datasetGroup}-${s.name}`,
  campaign: (p: PersonalizeProject, s: SolutionConfig) => `${p.config.datasetGroup}-${s.name}`,
  filter: (p: PersonalizeProject, filter: string) => `${p.config.datasetGroup}-${filter}`,
};

/** Fingerprint of the filters (names and expressions) and the default filter: what a deploy hands to serving. */
export function filtersFingerprint(p: PersonalizeProject): string {
  const text = JSON.stringify({
    filters: p.config.filters.map((f) => [f.name, f.expression]),
    defaultFilter: p.config.defaultFilter ?? null,
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The service role Personalize assumes (placeholders {account} {mesh} {domain} filled in). */
export function personalizeRoleArn(p: PersonalizeProject): string | undefined {
  const raw = p.config.aws.roleArn;
  return raw === undefined
    ? undefined
    : fill(raw, { account: p.domain.access.account, mesh: p.workspace.mesh.name, domain: p.domain.name });
}

/** The bucket the CSVs are uploaded to: personalize.yaml's aws.bucket, else the mesh's artifact bucket pattern. */
export function personalizeBucket(p: PersonalizeProject): string {
  const pattern = p.config.aws.bucket ?? p.workspace.mesh.aws.artifactBucketPattern;
  return fill(pattern, { account: p.domain.access.account, mesh: p.workspace.mesh.name, domain: p.domain.name }).toLowerCase();
}

/** The solution a request goes to: --solution, else the first with a campaign serving that kind of request. */
export function selectSolution(p: PersonalizeProject, kind: 'user' | 'item', name?: string): SolutionConfig {
  if (name !== undefined) {
    const s = p.config.solutions.find((x) => x.name === name);
    if (!s) {
      throw usageError(
        `No solution named "${name}" in ${p.config.file}.`,
        didYouMean(
          name,
          p.config.solutions.map((x) => x.name),
        ),
      );
    }
    return s;
  }
  const withCampaign = p.config.solutions.filter((s) => s.campaign && recipeKind(s) === kind);
  const found = withCampaign[0] ?? p.config.solutions.find((s) => recipeKind(s) === kind);
  if (!found) {
    throw new MeshError(
      'PersonalizeNoSolution',
      `No solution in ${p.config.file} answers ${kind === 'user' ? '--user' : '--item'} requests.`,
      {
        hint: kind === 'user' ? 'Add a solution with recipe: user-personalization.' : 'Add a solution with recipe: similar-items.',
      },
    );
  }
  return found;
}
