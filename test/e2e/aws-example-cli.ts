// Runs mesh commands in this process (so aws-sdk-client-mock's PersonalizeClient mock applies), the way `mesh` does,
// with --json, through main() (test/support/cli-harness.ts): returns the command's JSON document. What the command
// printed on stderr is kept, and shown when it fails.

import { runMesh } from '../support/cli-harness.js';

export interface CliRun {
  readonly doc: unknown;
  readonly stderr: string;
  readonly ms: number;
}

/** `mesh --cwd <cwd> --json --yes <args>`; a failure throws an Error with the MeshError's `code` (and its message). */
export async function mesh(cwd: string, ...args: string[]): Promise<CliRun> {
  const started = Date.now();
  const run = await runMesh(['--cwd', cwd, '--json', '--yes', ...args]);
  let doc: unknown;
  try {
    doc = JSON.parse(run.stdout);
  } catch {
    throw new Error(`mesh ${args.join(' ')} printed no JSON document (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  if (run.code !== 0) {
    const e = (doc as { error?: { code?: string; message?: string; hint?: string } }).error ?? {};
    throw Object.assign(new Error(`mesh ${args.join(' ')} failed: ${e.code ?? ''} ${e.message ?? ''}\n${e.hint ?? ''}\n${run.stderr}`), {
      code: e.code,
    });
  }
  return { doc, stderr: run.stderr, ms: Date.now() - started };
}

/** The plan part of publish-product / subscribe's JSON document. */
export interface PlanDoc {
  readonly applied: boolean;
  readonly plan: {
    readonly summary: Record<'create' | 'update' | 'replace' | 'grant' | 'revoke' | 'delete' | 'noop', number>;
    readonly changes: readonly { action: string; key: string; type: string; id: string; account?: string; reason: string }[];
  };
}
