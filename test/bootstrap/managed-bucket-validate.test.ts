// `mesh validate` catches what `mesh bootstrap` would refuse about a managed producer bucket (customProperties
// `bucket: { managed: true }`), from the files alone: a bucket the product's domain does not declare under
// `locations:`, and a bucket another domain declares a prefix of. A well-placed managed bucket passes.
import { afterEach, describe, expect, test } from 'vitest';
import { validateWorkspace } from '../../src/workspace/load.js';
import { runInProcess } from '../cli/run-cli.js';
import { edit, type Files, removeWorkspace, validFiles, writeWorkspace } from '../workspace/fixture.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const BUCKET = 'demo-shop-222222222222';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await removeWorkspace(root);
});

/** The orders product asks mesh to manage the bucket of its location (the 5th custom property, index 4). */
function managed(files: Files = validFiles()): Files {
  return edit(
    files,
    ORDERS,
    '  - property: accessPolicy\n    value: open\n',
    '  - property: accessPolicy\n    value: open\n  - property: bucket\n    value: { managed: true }\n',
  );
}

async function problems(files: Files) {
  const root = await writeWorkspace(files);
  roots.push(root);
  const result = await validateWorkspace(root);
  return {
    root,
    result,
    list: result.problems.map((p) => ({ code: p.code, severity: p.severity, file: p.file, path: p.path, message: p.message })),
  };
}

const sharedBucket = (files: Files) =>
  edit(files, INSIGHTS, 'account: "333333333333"', `account: "333333333333"\nlocations: [s3://${BUCKET}/exports/]`);

describe('mesh validate: managed producer buckets', () => {
  test('a managed bucket its own domain alone declares passes', async () => {
    const { result, list } = await problems(managed());
    expect(list).toEqual([]);
    expect(result.workspace?.products.find((p) => p.name === 'orders')?.table?.managedBucket).toEqual({});
  });

  test('a managed bucket another domain declares a prefix of is an error at the bucket property', async () => {
    const { result, list } = await problems(managed(sharedBucket(validFiles())));
    expect(result.workspace).toBeUndefined();
    expect(list).toContainEqual({
      code: 'ManagedBucketNotOwned',
      severity: 'error',
      file: ORDERS,
      path: 'customProperties[4].value',
      message: `Product "orders" asks mesh to manage bucket ${BUCKET}, which domain "insights" declares too ("s3://${BUCKET}/exports/").`,
    });
    // Without the managed bucket the same files only warn (the shared bucket), and load.
    const plain = await problems(sharedBucket(validFiles()));
    expect(plain.list.map((p) => `${p.severity} ${p.code}`)).toEqual(['warning SharedBucket']);
    expect(plain.result.workspace).toBeDefined();
  });

  test("a managed bucket outside the domain's declared locations is an error naming the bucket", async () => {
    const files = edit(managed(), ORDERS, `location: s3://${BUCKET}/products/orders/`, 'location: s3://elsewhere-bucket/orders/');
    const { list } = await problems(files);
    expect(
      list
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.code} ${p.path}`)
        .sort(),
    ).toEqual(['LocationNotDeclared servers[0].location', 'ManagedBucketNotOwned customProperties[4].value'].sort());
    expect(list.find((p) => p.code === 'ManagedBucketNotOwned')?.message).toBe(
      'Product "orders" asks mesh to manage bucket elsewhere-bucket, which domain "shop" does not declare under locations:.',
    );
  });

  test('the CLI exits 2 with the problem and its hint', async () => {
    const root = await writeWorkspace(managed(sharedBucket(validFiles())));
    roots.push(root);
    const run = await runInProcess(['validate', '-C', root, '--json']);
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout) as { error: { code: string; details: { problems: { code: string; hint?: string }[] } } };
    expect(doc.error.code).toBe('ConfigInvalid');
    const problem = doc.error.details.problems.find((p) => p.code === 'ManagedBucketNotOwned');
    expect(problem?.hint).toContain('A managed bucket belongs to one domain');
  });
});
