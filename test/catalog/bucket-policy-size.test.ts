// mesh's statement in a producer bucket's policy names one resource per product (about 70 characters each); S3
// allows 20 KB for the whole policy. A domain with a few hundred products in one bucket had its PutBucketPolicy
// refused halfway through an apply. Past mesh's budget the statement names the domain's declared locations instead,
// and past that the plan stops before any change (BucketPolicyTooLarge).
import { afterEach, describe, expect, it } from 'vitest';
import { bucketPolicySpec, MESH_STATEMENT_BUDGET } from '../../src/catalog/bucket-policy-spec.js';
import { catalogNaming } from '../../src/catalog/names.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { edit, type Files, removeWorkspace, validFiles, writeWorkspace } from '../workspace/fixture.js';

const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const SHOP = 'domains/shop/domain.yaml';
const BUCKET = 'demo-shop-222222222222';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await removeWorkspace(root);
});

/** The fixture with `count` products in shop's bucket, each at products/orders-<i>/. */
function withProducts(count: number): Files {
  const files: Files = validFiles();
  const orders = files[ORDERS] as string;
  for (let i = 0; i < count; i++) {
    files[`domains/shop/products/orders-${i}.odcs.yaml`] = orders
      .replace('id: urn:mesh:demo:shop:orders\nname: orders', `id: urn:mesh:demo:shop:orders-${i}\nname: orders-${i}`)
      .replace('/products/orders/', `/products/orders-${i}/`)
      .replace('entity: orders', `entity: orders-${i}`);
  }
  return files;
}

async function specFor(files: Files) {
  const root = await writeWorkspace(files);
  roots.push(root);
  const ws = await loadWorkspace(root, { target: 'aws' });
  return () => bucketPolicySpec(ws, '222222222222', BUCKET, catalogNaming(ws, 'aws'));
}

describe("mesh's statement in a bucket policy", () => {
  it('names each product while it fits', async () => {
    const spec = (await specFor(withProducts(3)))();
    expect(spec.statement?.resources).toEqual([
      `arn:aws:s3:::${BUCKET}`,
      `arn:aws:s3:::${BUCKET}/products/orders-0/*`,
      `arn:aws:s3:::${BUCKET}/products/orders-1/*`,
      `arn:aws:s3:::${BUCKET}/products/orders-2/*`,
      `arn:aws:s3:::${BUCKET}/products/orders/*`,
    ]);
  });

  it("names the domain's declared location instead past its budget (300 products)", async () => {
    const spec = (await specFor(withProducts(300)))();
    expect(spec.statement?.resources).toEqual([`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/products/*`]);
    expect(JSON.stringify(spec.statement).length).toBeLessThanOrEqual(MESH_STATEMENT_BUDGET);
  });

  it('stops the plan when the declared locations do not fit either', async () => {
    // Every product prefix declared on its own: naming the declared locations saves nothing.
    const locations = Array.from({ length: 300 }, (_, i) => `  - s3://${BUCKET}/products/orders-${i}/`).join('\n');
    const files = edit(withProducts(300), SHOP, `  - s3://${BUCKET}/products/\n`, `  - s3://${BUCKET}/products/orders/\n${locations}\n`);
    const spec = await specFor(files);
    expect(spec).toThrow(expect.objectContaining({ code: 'BucketPolicyTooLarge' }));
  });
});
