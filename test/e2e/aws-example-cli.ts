// Runs mesh commands in this process (so aws-sdk-client-mock's PersonalizeClient mock applies), the way `mesh` does,
// with --json: returns the command's JSON document. What the command printed on stderr is kept, and shown when it fails.

import { currentContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/program.js';

export interface CliRun {
  readonly doc: unknown;
  readonly stderr: string;
  readonly ms: number;
}

export async function mesh(cwd: string, ...args: string[]): Promise<CliRun> {
  const started = Date.now();
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stderr.write;
  try {
    await buildProgram().parseAsync(['node', 'mesh', '--cwd', cwd, '--json', '--yes', ...args]);
  } catch (error) {
    process.stderr.write = write;
    const e = error as { code?: string; message?: string; hint?: string };
    throw Object.assign(
      new Error(`mesh ${args.join(' ')} failed: ${e.code ?? ''} ${e.message ?? ''}\n${e.hint ?? ''}\n${chunks.join('')}`),
      {
        code: e.code,
        cause: error,
      },
    );
  } finally {
    process.stderr.write = write;
  }
  const doc = currentContext()?.output.takeJsonResult();
  return { doc: doc?.has ? doc.value : undefined, stderr: chunks.join(''), ms: Date.now() - started };
}

/** The plan part of publish-product / subscribe's JSON document. */
export interface PlanDoc {
  readonly applied: boolean;
  readonly plan: {
    readonly summary: Record<'create' | 'update' | 'replace' | 'grant' | 'revoke' | 'delete' | 'noop', number>;
    readonly changes: readonly { action: string; key: string; type: string; id: string; account?: string; reason: string }[];
  };
}
