import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MeshError } from '../core/errors.js';
import { firstLinkBelow } from '../core/symbolic-links.js';
import { exists } from '../workspace/paths.js';
import type { PlannedFile } from './template-files.js';

/** What init will do: new files, and existing files it changes on purpose (mesh.yaml's domain list). */
export interface FilePlan {
  readonly root: string;
  readonly files: readonly PlannedFile[];
  readonly edits: readonly PlannedFile[];
}

export interface WriteOptions {
  /** Overwrite files that exist. */
  readonly force?: boolean;
  /** List the files, write nothing. */
  readonly dryRun?: boolean;
}

export interface WriteResult {
  /** Relative paths of new files (or files that would be written, with dryRun). */
  readonly created: readonly string[];
  /** Relative paths of existing files changed on purpose. */
  readonly edited: readonly string[];
  /** Existing files overwritten because of --force. */
  readonly overwritten: readonly string[];
  readonly dryRun: boolean;
}

/**
 * Writes a plan. A file that already exists is never overwritten without `force`: the whole plan stops with
 * MeshError `FilesExist` (exit 2) listing them, and nothing is written. No file is written through a symbolic link
 * between the plan's root and the file (a pull request can add `.github/CODEOWNERS` leading to any file of the
 * machine, or a dangling one): `PathThroughLink`, and nothing is written.
 */
export async function writeFilePlan(plan: FilePlan, options: WriteOptions = {}): Promise<WriteResult> {
  for (const file of [...plan.files, ...plan.edits]) {
    const found = firstLinkBelow(plan.root, path.join(plan.root, file.path));
    const link = found === undefined ? undefined : path.relative(plan.root, found);
    if (link !== undefined) {
      throw new MeshError(
        'PathThroughLink',
        `${link} is a symbolic link: init writes ${file.path} only as a plain file of the workspace. Nothing was written.`,
        {
          hint: `Remove the link (and check where it led: ${link} should not be a link), then run init again.`,
        },
      );
    }
  }
  const existing: string[] = [];
  for (const file of plan.files) {
    if ((await exists(path.join(plan.root, file.path))) !== undefined) existing.push(file.path);
  }
  if (existing.length > 0 && !options.force) {
    const shown = existing.slice(0, 10).join(', ');
    throw new MeshError(
      'FilesExist',
      `${existing.length} file${existing.length === 1 ? '' : 's'} already exist${existing.length === 1 ? 's' : ''}: ${shown}${existing.length > 10 ? ', …' : ''}. Nothing was written.`,
      {
        hint: 'Pass --force to overwrite them, or run init in an empty folder (--dir <folder>).',
        details: { files: existing },
      },
    );
  }
  const created = plan.files
    .filter((f) => !existing.includes(f.path))
    .map((f) => f.path)
    .sort();
  const edited = plan.edits.map((f) => f.path);
  if (!options.dryRun) {
    for (const file of [...plan.files, ...plan.edits]) {
      const abs = path.join(plan.root, file.path);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, file.content);
      if (file.path.endsWith('.sh')) await chmod(abs, 0o755);
    }
  }
  return { created, edited, overwritten: existing, dryRun: Boolean(options.dryRun) };
}
