import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliRun, runMesh } from '../support/cli-harness.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'mesh.cjs');

/** Builds dist/ once for all test files (serialised with flock; a no-op when dist is fresh). */
export function ensureBuilt(): void {
  const result = spawnSync(
    'flock',
    [path.join(ROOT, 'node_modules', '.mesh-build.lock'), process.execPath, path.join(ROOT, 'test/cli/ensure-built.mjs')],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

export type { CliRun } from '../support/cli-harness.js';

/** The real program in this process: main(argv) with its own captured stdout and stderr (test/support/cli-harness.ts). */
export function runInProcess(args: readonly string[]): Promise<CliRun> {
  return runMesh(args);
}

/** The built CLI as a child process (`node bin/mesh.cjs`), without CI set unless asked. */
export function runChild(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Writes `<dir>/full.mjs`, an entry that runs the full program (dist/cli, every command loaded, no bundle, no help
 * template): what bin/mesh.cjs's output is compared with. Returns its path.
 */
export function writeFullProgramEntry(dir: string): string {
  const file = path.join(dir, 'full.mjs');
  const main = JSON.stringify(`file://${path.join(ROOT, 'dist', 'cli', 'main.js')}`);
  writeFileSync(file, `import { main } from ${main};\nawait main(process.argv);\n`);
  return file;
}
