import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { findWorkspaceRoot, loadWorkspace, workspaceNotFound } from '../workspace/load.js';
import { CI_PROVIDERS, type CiOptions, planCiFiles, withoutUnchanged } from './ci-files.js';
import type { PlannedFile } from './template-files.js';
import { type WriteResult, writeFilePlan } from './write-files.js';

export interface CiInitRequest extends Omit<CiOptions, 'workspaceRoot'> {
  /** Absolute: the folder init runs in (inside a workspace, or the folder to lay the example out in). */
  readonly dir: string;
  readonly ci: string;
  /** Files of an example to write together with the CI files (already planned by the caller). */
  readonly exampleFiles?: readonly PlannedFile[];
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export interface CiInitResult extends WriteResult {
  /** Where the paths are relative to: the git repository holding the workspace, else the workspace. */
  readonly root: string;
  /** Files already there byte for byte: left as they are. */
  readonly unchanged: readonly string[];
  readonly warnings: readonly string[];
}

/** Writes planned example files into a scratch folder, so the workspace they make can be loaded like any other. */
async function loadStaged(files: readonly PlannedFile[]) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'mesh-init-ci-'));
  try {
    for (const file of files) {
      const abs = path.join(scratch, file.path);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, file.content);
    }
    return await loadWorkspace(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * `mesh init --ci github`: the workflow and CODEOWNERS for the workspace `dir` is in (or for the example laid out
 * with it). Files already there with the same bytes are left alone, so re-running is a no-op; a file that differs
 * stops everything with FilesExist unless `force`.
 */
export async function runInitCi(request: CiInitRequest): Promise<CiInitResult> {
  if (!(CI_PROVIDERS as readonly string[]).includes(request.ci)) {
    throw usageError(`mesh init --ci knows ${CI_PROVIDERS.join(', ')}, not "${request.ci}".`, 'Pass --ci github.');
  }
  let workspaceRoot = request.dir;
  let workspace: Awaited<ReturnType<typeof loadWorkspace>>;
  if (request.exampleFiles) {
    workspace = await loadStaged(request.exampleFiles);
  } else {
    const found = await findWorkspaceRoot(request.dir);
    if (!found) throw workspaceNotFound(request.dir);
    workspaceRoot = found;
    workspace = await loadWorkspace(found);
  }
  const ci = await planCiFiles(workspace, {
    githubOrg: request.githubOrg,
    platformTeam: request.platformTeam,
    workspaceRoot,
  });
  const prefix = path.relative(ci.root, workspaceRoot).split(path.sep).join('/');
  const example = (request.exampleFiles ?? []).map((f) => ({ path: prefix ? `${prefix}/${f.path}` : f.path, content: f.content }));
  const { files, unchanged } = await withoutUnchanged(ci.root, [...example, ...ci.files]);
  const result = await writeFilePlan({ root: ci.root, files, edits: [] }, request);
  return { ...result, root: ci.root, unchanged: unchanged.sort(), warnings: ci.warnings };
}
