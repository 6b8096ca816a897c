// `mesh init --ci github`: the workflow and CODEOWNERS a team adopts as they are, checked with actionlint.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runInProcess } from '../cli/run-cli.js';
import { actionlint } from './actionlint.js';

const WORKFLOW = '.github/workflows/mesh.yml';
const OWNERS = '.github/CODEOWNERS';
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-ci-'));
  dirs.push(dir);
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');

interface Job {
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  environment?: string;
  env?: Record<string, string>;
  steps: { uses?: string; run?: string; name?: string }[];
}

let example = '';

beforeAll(async () => {
  example = tempDir();
  const run = await runInProcess([
    'init',
    '--example',
    'music-streaming',
    '--ci',
    'github',
    '--github-org',
    'acme',
    '--yes',
    '--cwd',
    example,
  ]);
  expect(run.code, run.stderr).toBe(0);
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('mesh init --example music-streaming --ci github', () => {
  it('writes the workflow and CODEOWNERS next to the example, and says what is left to do', async () => {
    const again = await runInProcess(['init', '--ci', 'github', '--github-org', 'acme', '--dry-run', '--cwd', example]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Already up to date: ${OWNERS}, ${WORKFLOW}`);
    // The example's domains name no AWS profile, and need none: the workflow exports MESH_AWS_PROFILE_<account>.
    expect(again.stdout).not.toContain('add `profile:');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell line of the workflow, not a template
    expect(read(example, WORKFLOW)).toContain('echo "MESH_AWS_PROFILE_${account}=${profile}" >> "$GITHUB_ENV"');
    expect(again.stdout).toContain('package.json is missing');
    expect(read(example, 'mesh.yaml')).toContain('name: music');
    // The example's mesh.yaml assigns each domain its account: no warning about self-declared accounts.
    expect(again.stdout).not.toContain('assigns no accounts');
  });

  it('warns when mesh.yaml leaves the accounts to the domain files (each team could name another team’s account)', async () => {
    const dir = tempDir();
    expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--cwd', dir])).code).toBe(0);
    const meshFile = path.join(dir, 'mesh.yaml');
    writeFileSync(meshFile, read(dir, 'mesh.yaml').replace(/\ndomainAccounts:\n( {2}.*\n)+/, '\n'));
    expect(read(dir, 'mesh.yaml')).not.toContain('domainAccounts');
    const run = await runInProcess(['init', '--ci', 'github', '--github-org', 'acme', '--dry-run', '--cwd', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('mesh.yaml assigns no accounts (domainAccounts)');
  });

  it('gives each domain folder to its owner team and mesh.yaml to the platform team', () => {
    const lines = read(example, OWNERS)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      '*  @acme/platform-team',
      '/mesh.yaml  @acme/platform-team',
      '/.github/  @acme/platform-team',
      '/domains/analytics/  @acme/insights-team',
      '/domains/interactions/  @acme/playback-team',
      '/domains/podcasts/  @acme/podcasts-team',
      '/domains/recommendations/  @acme/personalization-team',
      '/domains/songs/  @acme/catalog-team',
      '/domains/users/  @acme/accounts-team',
    ]);
  });

  it('passes actionlint', () => {
    const lint = actionlint(example, WORKFLOW);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
  });

  it('is valid YAML with every action pinned to a commit and minimal permissions per job', () => {
    const text = read(example, WORKFLOW);
    const doc = parse(text) as {
      on: Record<string, unknown>;
      permissions: unknown;
      env: Record<string, string>;
      jobs: Record<string, Job>;
    };
    expect(Object.keys(doc.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(doc.permissions).toEqual({});
    const uses = Object.values(doc.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
    expect(text).not.toMatch(/%[\w.]+%/); // every placeholder rendered

    const { plan, apply } = doc.jobs as { plan: Job; apply: Job };
    expect(plan.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    expect(apply.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(apply.concurrency).toEqual({ group: 'mesh-apply', 'cancel-in-progress': false });
    expect(plan.env?.MESH_ROLE).toBe('mesh-ci-plan');
    expect(apply.env?.MESH_ROLE).toBe('mesh-ci-apply');
    expect(apply.environment).toBe('mesh-apply');

    const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs(plan)).toContain('npx mesh validate');
    expect(runs(plan)).toContain('npx mesh plan --target aws --profile mesh-111111111111 --format markdown');
    expect(runs(plan)).toContain('startswith("<!-- mesh-plan -->")');
    expect(runs(apply)).toContain('npx mesh apply --target aws --profile mesh-111111111111 --yes');
    expect(runs(plan)).toContain('web_identity_token_file');

    // One profile per account: the central one and each domain's.
    expect(String(doc.env.MESH_AWS_PROFILES).split(' ')).toEqual([
      'mesh-111111111111:111111111111:us-east-1',
      'mesh-222222222222:222222222222:us-east-1',
      'mesh-333333333333:333333333333:us-east-1',
      'mesh-444444444444:444444444444:us-east-1',
      'mesh-555555555555:555555555555:us-east-1',
      'mesh-666666666666:666666666666:us-east-1',
      'mesh-777777777777:777777777777:us-east-1',
    ]);
  });

  it('actionlint catches a broken workflow (the check above can fail)', () => {
    const broken = tempDir();
    mkdirSync(path.join(broken, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      path.join(broken, WORKFLOW),
      read(example, WORKFLOW).replace('id-token: write # the OIDC token the plan', 'id-token: writ # the OIDC token the plan'),
    );
    const lint = actionlint(broken, WORKFLOW);
    expect(lint.code).not.toBe(0);
    expect(lint.output).toContain('id-token');
  });
});

describe('mesh init --ci github in an existing workspace', () => {
  it('re-running changes nothing; a file that differs is kept unless --force', async () => {
    const dir = tempDir();
    expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--cwd', dir])).code).toBe(0);
    const first = await runInProcess(['init', '--ci', 'github', '--cwd', path.join(dir, 'domains', 'users')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Created 2 files in ${dir}`);
    expect(read(dir, OWNERS)).toContain('/domains/users/  @your-org/accounts-team');
    expect(read(dir, OWNERS)).toContain('# EDIT ME: @your-org is a placeholder');
    const workflow = read(dir, WORKFLOW);

    const second = await runInProcess(['init', '--ci', 'github', '--json', '--cwd', dir]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ created: [], unchanged: [OWNERS, WORKFLOW] });

    writeFileSync(path.join(dir, OWNERS), '* @someone\n');
    const refused = await runInProcess(['init', '--ci', 'github', '--github-org', 'acme', '--cwd', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('[FilesExist]');
    expect(refused.stderr).toContain('.github/CODEOWNERS');
    expect(refused.stderr).toContain('--force');
    expect(read(dir, OWNERS)).toBe('* @someone\n');
    expect(read(dir, WORKFLOW)).toBe(workflow);

    const forced = await runInProcess(['init', '--ci', 'github', '--github-org', 'acme', '--force', '--cwd', dir]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(read(dir, OWNERS)).toContain('/domains/users/  @acme/accounts-team');
  });

  it('puts .github at the root of the git repository holding the workspace', async () => {
    const repo = tempDir();
    mkdirSync(path.join(repo, '.git'));
    const ws = path.join(repo, 'data mesh');
    mkdirSync(ws);
    expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--cwd', ws])).code).toBe(0);
    writeFileSync(path.join(ws, 'package.json'), '{"private":true,"devDependencies":{"mesh-cli":"*"}}\n');
    const run = await runInProcess(['init', '--ci', 'github', '--github-org', 'acme', '--cwd', ws]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('package.json is missing');
    expect(read(repo, OWNERS)).toContain('/data\\ mesh/domains/songs/  @acme/catalog-team');
    expect(read(repo, OWNERS)).toContain('/data\\ mesh/mesh.yaml  @acme/platform-team');
    const doc = parse(read(repo, WORKFLOW)) as { defaults: { run: { 'working-directory': string } } };
    expect(doc.defaults.run['working-directory']).toBe('data mesh');
    expect(actionlint(repo, WORKFLOW)).toEqual({ code: 0, output: '' });
  });

  it('refuses outside a workspace, an unknown provider and a domain kind, writing nothing', async () => {
    const empty = tempDir();
    const none = await runInProcess(['init', '--ci', 'github', '--cwd', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('[WorkspaceNotFound]');

    const gitlab = await runInProcess(['init', '--example', 'music-streaming', '--ci', 'gitlab', '--cwd', empty]);
    expect(gitlab.code).toBe(2);
    expect(gitlab.stderr).toContain('--ci github');

    const kind = await runInProcess(['init', 'producer', 'songs', '--ci', 'github', '--yes', '--cwd', empty]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('does not go with a kind');
    expect(readdirSync(empty)).toEqual([]);
  });
});
