import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../cli/run-cli.js';

/**
 * The actionlint binary: `.services/bin/actionlint` (scripts/install-actionlint.sh puts it there), else one on PATH.
 * Throws when there is none: the workflow tests must fail, not skip, without it.
 */
export function actionlintBinary(): string {
  const local = path.join(ROOT, '.services', 'bin', 'actionlint');
  if (existsSync(local)) return local;
  const found = spawnSync('actionlint', ['-version'], { encoding: 'utf8' });
  if (found.status === 0) return 'actionlint';
  throw new Error(
    'actionlint is not installed: run scripts/install-actionlint.sh, which puts it in .services/bin/ (built with the Go on this machine, or one fetched from the Go module proxy).',
  );
}

/** Runs actionlint on one workflow file (from the repository root it belongs to); its exit code and report. */
export function actionlint(repoRoot: string, workflow: string): { code: number; output: string } {
  const result = spawnSync(actionlintBinary(), ['-no-color', '-oneline', workflow], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
