// S3 locations reach IAM documents as written: the data-access role's policy (`arn:aws:s3:::<bucket>/<prefix>*` and an
// `s3:prefix` StringLike condition) and the producer bucket's policy. IAM reads `*` and `?` there as wildcards and
// `${…}` as a policy variable, while the overlap check between domains compares prefixes as plain text. So a domain
// that declares `s3://<another domain's bucket>/*/` overlapped nobody on paper, and bootstrap granted S3 access to
// every key of that bucket, beyond what any domain declares. Such characters are refused in a location.
import { describe, expect, it } from 'vitest';
import { dataAccessPolicy } from '../../src/bootstrap/desired.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { unsafeLocationReason } from '../../src/workspace/locations.js';
import type { Workspace } from '../../src/workspace/model.js';
import { edit, type Files, validFiles } from '../workspace/fixture.js';
import { workspacesPerTest } from './workspaces.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const SHOP_BUCKET = 'demo-shop-222222222222';

const { root, errorsOf } = workspacesPerTest();

/** insights (made a producer too) declares `declared` as its location. */
function insightsDeclares(declared: string): Files {
  return edit(validFiles(), INSIGHTS, 'kind: consumer\n', `kind: both\nlocations:\n  - "${declared}"\n`);
}

const HOSTILE = [
  `s3://${SHOP_BUCKET}/*/`,
  `s3://${SHOP_BUCKET}/p?oducts/`,
  `s3://${SHOP_BUCKET}/\${aws:username}/`,
  `s3://${SHOP_BUCKET}/x*`,
];

describe('wildcards and policy variables in S3 locations', () => {
  it.each(HOSTILE)('a domain may not declare %s', async (declared) => {
    expect(await errorsOf(insightsDeclares(declared))).toEqual([`UnsafeLocation ${INSIGHTS} locations[0]`]);
  });

  it('a product may not publish to one', async () => {
    const files = edit(
      edit(validFiles(), 'domains/shop/domain.yaml', '/products/\n', '/products/\n  - s3://demo-shop-other/\n'),
      ORDERS,
      `location: s3://${SHOP_BUCKET}/products/orders/`,
      'location: s3://demo-shop-other/*/',
    );
    expect(await errorsOf(files)).toEqual([`UnsafeLocation ${ORDERS} servers[0].location`]);
  });

  it('plain prefixes are still accepted', async () => {
    expect(await errorsOf(insightsDeclares('s3://demo-insights-333333333333/products/'))).toEqual([]);
    for (const ok of ['s3://b-1/products/', 's3://b-1/a_b-c.d/e=f/', 's3://b-1/']) expect(unsafeLocationReason(ok)).toBeUndefined();
  });

  it("bootstrap's data-access policy never carries one, even from a workspace that skipped validation", async () => {
    const ws = await loadWorkspace(await root(validFiles()));
    const hostile: Workspace = {
      ...ws,
      domains: ws.domains.map((d) => (d.name === 'insights' ? { ...d, locations: [...HOSTILE] } : d)),
    };
    const text = JSON.stringify(dataAccessPolicy(hostile));
    expect(text).toContain(`arn:aws:s3:::${SHOP_BUCKET}/products/*`);
    expect(text).not.toMatch(/\/\*\/|\?|\$\{|x\*/);
  });
});
