// avsc (Avro) loads only when a product has an event schema to check: a workspace of tables only never loads it.
// Checked in a child process on the built modules, by the CommonJS modules it holds after `validateWorkspace`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt } from '../cli/run-cli.js';
import { edit, removeWorkspace, validFiles, writeWorkspace } from './fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const roots: string[] = [];

beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  for (const dir of roots) await removeWorkspace(dir);
});

/** Validates `dir` in a fresh process: whether it is valid, and the avsc modules that process loaded. */
function validateInChild(dir: string): { valid: boolean; avsc: string[] } {
  const load = pathToFileURL(path.join(root, 'dist', 'workspace', 'load.js')).href;
  const script = `
    import { createRequire } from 'node:module';
    const { validateWorkspace } = await import(${JSON.stringify(load)});
    const result = await validateWorkspace(${JSON.stringify(dir)});
    const avsc = Object.keys(createRequire(import.meta.url).cache).filter((m) => m.includes('/node_modules/avsc/'));
    process.stdout.write(JSON.stringify({ valid: result.workspace !== undefined, avsc }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('avsc loads only for event schemas', () => {
  test('a workspace with an event schema loads it (so the check below can fail)', async () => {
    const dir = await writeWorkspace(validFiles());
    roots.push(dir);
    const run = validateInChild(dir);
    expect(run.valid).toBe(true);
    expect(run.avsc.length).toBeGreaterThan(0);
  });

  test('a workspace of tables only does not', async () => {
    let files = edit(
      validFiles(),
      'domains/shop/products/orders.odcs.yaml',
      /* the stream port */ `  - property: streamPort
    value:
      entity: orders
      keyField: order_id
      eventSchema: ../schemas/order.avsc
`,
      '',
    );
    files = edit(files, 'domains/insights/domain.yaml', '    stream:\n      function: orders-handler\n', '');
    const dir = await writeWorkspace(files);
    roots.push(dir);
    expect(validateInChild(dir)).toEqual({ valid: true, avsc: [] });
  });
});
