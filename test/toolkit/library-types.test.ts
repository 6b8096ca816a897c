// mesh as a library, for TypeScript users: the package's "exports" name the declarations (dist/toolkit/index.d.ts),
// so a program importing 'mesh-cli' is type-checked against the toolkit's real signatures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/run-cli.js';

let dir = '';
beforeAll(() => {
  ensureBuilt();
  // Inside the package, so 'mesh-cli' resolves to itself through "exports", as it does for a user's node_modules.
  dir = mkdtempSync(path.join(ROOT, '.types-check-'));
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function diagnostics(source: string): string[] {
  const file = path.join(dir, `program-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe("the toolkit's types, imported from the package", () => {
  it('a program using plan, apply and subscribe type-checks', () => {
    const errors = diagnostics(`
      import { createToolkit, silentHost, type Plan } from 'mesh-cli';
      const mesh = createToolkit({ cwd: '.', target: 'local', host: silentHost });
      const { plan }: { plan: Plan } = await mesh.plan();
      const creates: number = plan.summary.create;
      await mesh.apply({ dryRun: true });
      await mesh.subscribe({ product: 'songs', domain: 'analytics', table: true });
      export { creates };
    `);
    expect(errors).toEqual([]);
  });

  it('a wrong call is a type error', () => {
    const errors = diagnostics(`
      import { createToolkit } from 'mesh-cli';
      const mesh = createToolkit({ cwd: '.', target: 'nowhere' });
      export { mesh };
    `);
    expect(errors.join('\n')).toMatch(/"nowhere"/);
  });
});
