import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../workspace/model.js';
import { exists } from '../workspace/paths.js';
import { collectTemplate, type PlannedFile, renderPlaceholders, templatesDir } from './template-files.js';

export const CI_PROVIDERS = ['github'] as const;

/** Actions the workflow uses, pinned by commit (the tag is the comment beside it). */
export const PINNED_ACTIONS = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
} as const;

/** The GitHub organisation written when `--github-org` is left out: CODEOWNERS says to replace it. */
export const PLACEHOLDER_ORG = 'your-org';

export interface CiOptions {
  /** GitHub organisation of the owner teams (`@<org>/<team>`). */
  readonly githubOrg?: string;
  /** Team that owns mesh.yaml and the workflow (default `platform-team`). */
  readonly platformTeam?: string;
  /** Where the workspace will be, when `workspace` was loaded from elsewhere (init --example stages it first). */
  readonly workspaceRoot?: string;
}

export interface CiPlan {
  /** Where `.github/` goes: the git repository holding the workspace, else the workspace itself. */
  readonly root: string;
  readonly files: PlannedFile[];
  /** What the user must still do for the workflow to work as generated. */
  readonly warnings: string[];
}

/** `Accounts Team` → `@org/accounts-team`; a value that already is a handle (`@org/x`, `@user`) is kept. */
export function teamHandle(team: string, org: string): string {
  if (team.startsWith('@')) return team;
  const slug = team
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `@${org}/${slug || 'team'}`;
}

/** The nearest folder at or above `dir` holding `.git`, else `dir`. */
async function repositoryRoot(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    if ((await exists(path.join(current, '.git'))) !== undefined) return current;
    const parent = path.dirname(current);
    if (parent === current) return dir;
    current = parent;
  }
}

/** A path for CODEOWNERS: from the repository root, spaces escaped. */
function ownersPath(relative: string): string {
  return `/${relative}`.replace(/ /g, '\\ ');
}

const slashes = (p: string): string => p.split(path.sep).join('/');

/**
 * The profile each account is reached with in CI, `<profile>:<account>:<region>`, and what the user must add for
 * mesh to pick them (the workflow exports MESH_AWS_PROFILE_<account> for each, so domain files need no `profile:`).
 */
function awsProfiles(
  workspace: Workspace,
  fromRoot: (file: string) => string,
): { entries: string[]; centralFlag: string; warnings: string[] } {
  const central = workspace.mesh.central;
  const entries = new Map<string, string>();
  const warnings: string[] = [];
  const centralProfile = central.profile ?? `mesh-${central.account}`;
  entries.set(centralProfile, `${centralProfile}:${central.account}:${central.region}`);
  for (const domain of [...workspace.domains].sort((a, b) => a.name.localeCompare(b.name))) {
    const access = domain.access;
    const file = fromRoot(domain.file);
    if (access.profile) {
      entries.set(access.profile, `${access.profile}:${access.account}:${access.region}`);
      continue;
    }
    if (access.account === central.account && !access.roleArn) continue; // reached with the central profile
    const profile = `mesh-${access.account}`;
    entries.set(profile, `${profile}:${access.account}:${access.region}`);
    // The workflow exports MESH_AWS_PROFILE_<account>=<profile>, which mesh uses for an account whose domain file
    // names no profile; a roleArn is then assumed from that profile's role, which must be allowed to assume it.
    if (access.roleArn) {
      warnings.push(
        `${file}: the role ${access.roleArn} must trust the CI role in account ${access.account} (the workflow assumes it from profile ${profile}).`,
      );
    }
  }
  return {
    entries: [...entries.values()].sort(),
    centralFlag: central.profile ? '' : ` --profile ${centralProfile}`,
    warnings,
  };
}

/** Renders `%key%`; a multi-line value keeps the indentation of the line the placeholder is on. */
function renderIndented(text: string, variables: Readonly<Record<string, string>>): string {
  return text
    .split('\n')
    .map((line) => {
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      const indented = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.replace(/\n/g, `\n${indent}`)]));
      return renderPlaceholders(line, indented);
    })
    .join('\n');
}

/**
 * The files of `mesh init --ci github` for a loaded workspace: `.github/workflows/mesh.yml` (validate and comment
 * the plan on pull requests, apply on merge, an OIDC role per account) and `.github/CODEOWNERS` (each domain's folder
 * owned by its owner team). Rendered from templates/ci/github; deterministic for the same workspace and options.
 */
export async function planCiFiles(workspace: Workspace, options: CiOptions = {}): Promise<CiPlan> {
  const workspaceRoot = options.workspaceRoot ?? workspace.root;
  const root = await repositoryRoot(workspaceRoot);
  const workspaceDir = slashes(path.relative(root, workspaceRoot));
  /** A workspace file's path from the repository root. */
  const fromRoot = (file: string) => path.posix.join(workspaceDir, slashes(path.relative(workspace.root, file)));
  const org = options.githubOrg ?? PLACEHOLDER_ORG;
  const platform = teamHandle(options.platformTeam ?? 'platform-team', org);
  const aws = awsProfiles(workspace, fromRoot);
  const warnings = [...aws.warnings];
  if (!workspace.mesh.domainAccounts) {
    warnings.push(
      'mesh.yaml assigns no accounts (domainAccounts): each domain file names its own, and CODEOWNERS lets its team change it alone. Assign them in mesh.yaml (see README, Pull requests).',
    );
  }
  if (!options.githubOrg) {
    warnings.push(
      `.github/CODEOWNERS: replace @${PLACEHOLDER_ORG} with your GitHub organisation (or rerun with --github-org <org> --force).`,
    );
  }
  if ((await exists(path.join(workspaceRoot, 'package.json'))) !== 'file') {
    warnings.push(
      `${fromRoot(path.join(workspace.root, 'package.json'))} is missing: the workflow runs \`npm ci\`; add one with \`npm install --save-dev mesh-cli\`.`,
    );
  }

  const owners = [...workspace.domains]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => `${ownersPath(`${fromRoot(d.dir)}/`)}  ${teamHandle(d.owner.team, org)}`);
  const variables: Record<string, string> = {
    'mesh.name': workspace.mesh.name,
    'aws.profiles': aws.entries.join('\n'),
    'central.profile.flag': aws.centralFlag,
    'workspace.dir': workspaceDir || '.',
    'workspace.prefix': workspaceDir ? ownersPath(workspaceDir) : '',
    'node.version': '22',
    'actions.checkout': PINNED_ACTIONS['actions/checkout'].sha,
    'actions.checkout.version': PINNED_ACTIONS['actions/checkout'].version,
    'actions.setup_node': PINNED_ACTIONS['actions/setup-node'].sha,
    'actions.setup_node.version': PINNED_ACTIONS['actions/setup-node'].version,
    'platform.owner': platform,
    'github.org.note': options.githubOrg
      ? `# Teams are in the GitHub organisation ${org}.`
      : `# EDIT ME: @${PLACEHOLDER_ORG} is a placeholder. Replace it with your GitHub organisation, or rerun\n# mesh init --ci github --github-org <org> --force`,
    'domain.owners': owners.join('\n'),
  };
  const templates = await collectTemplate(path.join(templatesDir(), 'ci', 'github'), '.github', {});
  const files = templates.map((f) => ({ path: f.path, content: Buffer.from(renderIndented(f.content.toString('utf8'), variables)) }));
  return { root, files, warnings };
}

/** Splits planned files into those to write and those already on disk byte for byte (re-running init is a no-op). */
export async function withoutUnchanged(
  root: string,
  files: readonly PlannedFile[],
): Promise<{ files: PlannedFile[]; unchanged: string[] }> {
  const toWrite: PlannedFile[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    const current = await readFile(path.join(root, file.path)).catch(() => undefined);
    if (current?.equals(file.content)) unchanged.push(file.path);
    else toWrite.push(file);
  }
  return { files: toWrite, unchanged };
}
