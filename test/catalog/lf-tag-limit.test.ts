// Lake Formation allows at most 1,000 values per LF-Tag key. The aws catalog plan counts the values already on the
// key (including ones no product uses any more) with the ones the files add, and refuses the plan before any change;
// `mesh validate` warns from the files alone.
import { afterAll, describe, expect, it } from 'vitest';
import { catalogKey, catalogNaming } from '../../src/catalog/names.js';
import type { CatalogChange, CatalogObserved, CatalogPort, CatalogQuery, LfTagSpec } from '../../src/catalog/port.js';
import { MeshError } from '../../src/core/errors.js';
import type { MeshEntry, ProductEntry, RuleInput } from '../../src/workspace/entries.js';
import { Reporter } from '../../src/workspace/reporter.js';
import { lfTagValuesWithinLimit } from '../../src/workspace/rules-limits.js';
import type { SourceFile } from '../../src/workspace/yaml-source.js';
import { musicFixture, PUBLISH_ALL, runCatalog } from './fixtures.js';

const fx = musicFixture({ target: 'aws', accounts: { central: '222222222222', producer: '111111111111', consumer: '333333333333' } });
afterAll(() => fx.cleanup());
const naming = catalogNaming(fx.workspace, 'aws');
const stale = (n: number) => Array.from({ length: n }, (_, i) => `retired-${String(i).padStart(4, '0')}`);

/** A port whose central catalog already holds the `product` key with the given values; it records every change. */
function fakePort(productValues: readonly string[]): CatalogPort & { executed: CatalogChange[] } {
  const spec: LfTagSpec = { kind: 'lf-tag', catalog: naming.central, key: 'product', values: [...productValues].sort() };
  const observed: CatalogObserved = {
    ref: { plane: 'catalog', type: 'lf-tag', id: catalogKey(spec).slice('lf-tag:'.length), label: 'product' },
    spec,
  };
  const executed: CatalogChange[] = [];
  return {
    executed,
    observe: async (queries: readonly CatalogQuery[]) => (queries.some((q) => q.tags) ? [observed] : []),
    execute: async (change: CatalogChange) => {
      executed.push(change);
      return undefined;
    },
    close: async () => {},
  } as unknown as CatalogPort & { executed: CatalogChange[] };
}

describe('the aws catalog plan and the LF-Tag value limit', () => {
  it('refuses a publish that would take the product key past 1,000 values, naming the key and the count, and changes nothing', async () => {
    // 997 values no product uses any more + the fixture's 4 products = 1,001.
    const port = fakePort(stale(997));
    const error = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { port } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: 'LfTagValueLimit' });
    const { message, hint } = error as MeshError;
    expect(message).toContain('"product"');
    expect(message).toContain('would hold 1001 values (997 on it now, 4 to add)');
    expect(message).toContain('at most 1000 values per key');
    expect(hint).toContain('997 of the values on it belong to no product in the files');
    expect(hint).toContain('--tag-key product --tag-values-to-delete');
    expect(port.executed).toEqual([]);
  });

  it('counts values the key already has once (observed ∪ desired): exactly 1,000 is allowed', async () => {
    // 996 stale + 4 products = 1,000; plus the 4 products already on it must not count twice.
    const port = fakePort([...stale(996), 'songs', 'users']);
    const { plan, applied } = await runCatalog(fx.workspace, PUBLISH_ALL, { plane: { port }, dryRun: true });
    expect(applied).toBe(false);
    const tag = plan.changes.find((c) => c.ref.type === 'lf-tag' && c.ref.label?.includes('product'));
    expect(tag?.action).toBe('update');
    expect(tag?.reason).toBe('values to add: interactions, podcasts');
    expect(port.executed).toEqual([]);
  });
});

describe('mesh validate and the LF-Tag value limit', () => {
  const source = { rel: 'mesh.yaml', position: () => ({ line: 3, column: 1 }) } as unknown as SourceFile;
  const input = (count: number): RuleInput =>
    ({
      mesh: { source } as unknown as MeshEntry,
      products: Array.from(
        { length: count },
        (_, i) => ({ product: { name: `p-${i}`, domain: 'music', classification: 'internal', table: {} } }) as unknown as ProductEntry,
      ),
    }) as unknown as RuleInput;

  it('warns when more than 1,000 products have a table port', () => {
    const report = new Reporter();
    lfTagValuesWithinLimit(input(1001), report);
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'LfTagValueLimit',
        severity: 'warning',
        file: 'mesh.yaml',
        message: expect.stringContaining('1001 product values for the LF-Tag key "product"'),
        hint: expect.stringContaining('Split the products into two meshes'),
      }),
    ]);
  });

  it('says nothing at 1,000', () => {
    const report = new Reporter();
    lfTagValuesWithinLimit(input(1000), report);
    expect(report.problems).toEqual([]);
  });
});
