// A transform's `output` is "relative to the domain folder", and validation held it inside the workspace from there;
// but mesh writes the rows to `<local dir>/transforms/<domain>/<output>`, two folders deeper. So a consumer's
// `output: ../../s3/<producer bucket>/products/<product>/x.csv` passed validation and `mesh transform` wrote its rows
// into the producer's table in the local object store (every reader of the product then read them), and
// `../<other domain>/…` overwrote another domain's transform output. The output must stay inside its own folder.
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvingHost, createToolkit } from '../../src/toolkit/index.js';
import { transformOutputPath } from '../../src/transforms/output.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { edit, type Files, validFiles } from '../workspace/fixture.js';
import { workspacesPerTest } from './workspaces.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const INTO_ORDERS = '../../s3/demo-shop-222222222222/products/orders/injected.csv';

const { root, errorsOf } = workspacesPerTest();

/** The fixture (orders as csv, so local publishing reads its sample), insights' transform writing to `output`. */
function withOutput(output: string): Files {
  const files = edit(
    edit(validFiles(), ORDERS, 'format: parquet', 'format: csv'),
    INSIGHTS,
    'output: datasets/daily.csv',
    `output: ${output}`,
  );
  // Only the columns insights is granted.
  return { ...files, 'domains/insights/transforms/daily.sql': "SELECT 'injected' AS order_id, 0.0 AS amount FROM orders LIMIT 1\n" };
}

describe("a transform's output", () => {
  it.each([
    [INTO_ORDERS, 'PathEscapesDomain'],
    ['../shop/datasets/daily.csv', 'PathEscapesDomain'],
    ['datasets/../../x.csv', 'PathEscapesDomain'],
    ['../../../daily.csv', 'PathEscapesWorkspace'],
    ['/etc/daily.csv', 'PathEscapesWorkspace'],
  ])('may not leave its own folder: %s', async (output, code) => {
    expect(await errorsOf(withOutput(output))).toEqual([`${code} ${INSIGHTS} transforms[0].output`]);
  });

  it('may use sub-folders of its own', async () => {
    expect(await errorsOf(withOutput('datasets/2026/../daily.csv'))).toEqual([]);
  });

  it("cannot write into a producer's table: the transform is refused and the product's folder keeps its own file", async () => {
    const dir = await root(withOutput('datasets/daily.csv'));
    await createToolkit({ cwd: dir, target: 'local', host: approvingHost() }).apply();
    const ordersDir = path.join(dir, '.mesh/local/s3/demo-shop-222222222222/products/orders');
    const before = readdirSync(ordersDir).sort();
    await writeFile(path.join(dir, INSIGHTS), withOutput(INTO_ORDERS)[INSIGHTS] as string);
    const mesh = createToolkit({ cwd: dir, target: 'local', host: approvingHost() });
    await expect(mesh.transform({ name: 'daily', domain: 'insights' })).rejects.toMatchObject({ code: 'ConfigInvalid' });
    expect(readdirSync(ordersDir).sort()).toEqual(before);
    expect(existsSync(path.join(ordersDir, 'injected.csv'))).toBe(false);
  });

  it('is refused where it is written, for a workspace that skipped validation', async () => {
    const ws = await loadWorkspace(await root(withOutput('datasets/daily.csv')));
    const insights = ws.domains.find((d) => d.name === 'insights');
    if (!insights) throw new Error('fixture: no insights domain');
    expect(transformOutputPath(ws, insights, { output: 'datasets/daily.csv' })).toBe(
      path.join(ws.mesh.localDir, 'transforms', 'insights', 'datasets', 'daily.csv'),
    );
    expect(() => transformOutputPath(ws, insights, { output: INTO_ORDERS })).toThrow(expect.objectContaining({ code: 'PathOutsideStore' }));
  });
});
