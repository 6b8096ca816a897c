// Helpers for the access tests: the example workspace in a temp folder, and `mesh` run in this process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CliRun, runInProcess } from '../cli/run-cli.js';

export interface ExampleWorkspace {
  readonly root: string;
  file(rel: string): string;
  read(rel: string): string;
  cleanup(): void;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** `mesh <args> -C <cwd>` in this process, with MESH_NOW set to `now` (the injected clock) for the run. */
export async function meshAt(cwd: string, now: string, ...args: string[]): Promise<CliRun> {
  const previous = process.env.MESH_NOW;
  process.env.MESH_NOW = now;
  try {
    return await runInProcess([...args, '-C', cwd]);
  } finally {
    if (previous === undefined) delete process.env.MESH_NOW;
    else process.env.MESH_NOW = previous;
  }
}

/** Like meshAt with --json, failing the test with what mesh printed when it exits non-zero. */
export async function meshJson(cwd: string, now: string, ...args: string[]): Promise<Record<string, unknown>> {
  const run = await meshAt(cwd, now, ...args, '--json', '--yes');
  if (run.code !== 0) throw new Error(`mesh ${args.join(' ')} exited with ${run.code}\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** `mesh init --example music-streaming` in a fresh folder. */
export async function exampleWorkspace(): Promise<ExampleWorkspace> {
  const root = tempDir('mesh-access-');
  await meshJson(root, '2026-06-01', 'init', '--example', 'music-streaming');
  return {
    root,
    file: (rel) => path.join(root, rel),
    read: (rel) => readFileSync(path.join(root, rel), 'utf8'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The error document mesh prints on stdout with --json. */
export function errorOf(run: CliRun): { code: string; message: string; hint?: string } {
  return (JSON.parse(run.stdout) as { error: { code: string; message: string; hint?: string } }).error;
}
