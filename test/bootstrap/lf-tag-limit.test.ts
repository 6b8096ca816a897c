// Lake Formation allows at most 1,000 values per LF-Tag key, and `mesh bootstrap` creates the keys with every product's
// value: its plan counts the values already on a key with the ones the files add and refuses before any change (the
// same LfTagValueLimit as the catalog plan); `--template` refuses before writing anything.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapResource } from '../../src/bootstrap/desired.js';
import type { BootstrapPort, BootstrapSpec } from '../../src/bootstrap/port.js';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { writeBootstrapTemplates } from '../../src/bootstrap/template.js';
import { MeshError } from '../../src/core/errors.js';
import type { Change } from '../../src/engine/plan.js';
import type { Workspace } from '../../src/workspace/model.js';
import { musicFixture } from '../catalog/fixtures.js';

const fx = musicFixture({ target: 'aws', accounts: { central: '222222222222', producer: '111111111111', consumer: '333333333333' } });
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mesh-bootstrap-lf-limit-'));
afterAll(() => {
  fx.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});
const C = fx.workspace.mesh.central.account;
const stale = (n: number) => Array.from({ length: n }, (_, i) => `retired-${String(i).padStart(4, '0')}`);

/** A port whose central account already holds the `product` key with these values (nothing else); it records every change. */
function fakePort(productValues: readonly string[]): BootstrapPort & { executed: Change[] } {
  const executed: Change[] = [];
  return {
    executed,
    callerPrincipal: async () => `arn:aws:iam::${C}:role/mesh-test`,
    missingPrincipals: async () => [],
    observe: async (desired: readonly BootstrapSpec[]) =>
      desired.some((d) => d.kind === 'lf-tag' && d.key === 'product')
        ? [bootstrapResource({ kind: 'lf-tag', account: C, key: 'product', values: [...productValues].sort() })]
        : [],
    execute: async (change: Change) => {
      executed.push(change);
      return undefined;
    },
    close: async () => {},
  } as BootstrapPort & { executed: Change[] };
}

const bootstrap = (port: BootstrapPort, dryRun = false) =>
  runBootstrap({ workspace: fx.workspace, target: 'aws', signal: new AbortController().signal, dryRun, plane: { port } });

/** The fixture's workspace with `count` products that have a table port. */
function withProducts(count: number): Workspace {
  const ws = fx.workspace;
  const first = ws.products.find((p) => p.table);
  if (!first) throw new Error('the fixture has no product with a table port');
  return { ...ws, products: Array.from({ length: count }, (_, i) => ({ ...first, name: `p-${String(i).padStart(4, '0')}` })) };
}

describe('mesh bootstrap and the LF-Tag value limit', () => {
  it('refuses a plan that would take the product key past 1,000 values, naming the key and the count, and executes nothing', async () => {
    // 997 values no product uses any more + the fixture's 4 products = 1,001.
    const port = fakePort(stale(997));
    const error = await bootstrap(port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: 'LfTagValueLimit' });
    const { message, hint } = error as MeshError;
    expect(message).toBe(
      `The LF-Tag key "product" in ${C} would hold 1001 values (997 on it now, 4 to add); Lake Formation allows at most 1000 values per key. Nothing was changed.`,
    );
    expect(hint).toContain('997 of the values on it belong to no product in the files');
    expect(hint).toContain(`--catalog-id ${C} --tag-key product --tag-values-to-delete`);
    expect(port.executed).toEqual([]);
  });

  it('counts values the key already has once: exactly 1,000 is planned', async () => {
    const port = fakePort([...stale(996), 'songs', 'users']);
    const { plan, applied } = await bootstrap(port, true);
    expect(applied).toBe(false);
    const tag = plan.changes.find((c) => c.key === `lf-tag-key:${C}/product`);
    expect(tag?.action).toBe('update');
    expect(port.executed).toEqual([]);
  });
});

describe('mesh bootstrap --template and the LF-Tag value limit', () => {
  it('refuses a workspace with 1,001 products before writing anything (not even the directory)', async () => {
    const dir = path.join(scratch, 'refused');
    const error = await writeBootstrapTemplates(withProducts(1001), dir, 'json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: 'LfTagValueLimit' });
    expect((error as MeshError).message).toBe(
      `The LF-Tag key "product" in ${C} would hold 1001 values; Lake Formation allows at most 1000 values per key. No template was written.`,
    );
    expect((error as MeshError).hint).toContain('Publish fewer products in this mesh');
    expect(existsSync(dir)).toBe(false);
  });

  it('writes the product key with exactly 1,000 values', async () => {
    const dir = path.join(scratch, 'written');
    const files = await writeBootstrapTemplates(withProducts(1000), dir, 'json');
    const central = JSON.parse(readFileSync(path.join(dir, `mesh-bootstrap-${C}.json`), 'utf8'));
    expect(files).toContain(path.join(dir, `mesh-bootstrap-${C}.json`));
    expect(central.Resources.LfTagProduct.Properties.TagValues).toHaveLength(1000);
  });
});
