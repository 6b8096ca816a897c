// A product's classification becomes a value of the `classification` LF-Tag. mesh adds the values of EVERY product in
// the files whenever it publishes any one (publishing never shrinks a key), so a value Lake Formation refuses
// (its LFTagValue pattern: letters, digits, spaces and _ . : * / = + - @ %, at most 256) in one team's contract made
// every other team's publish fail at UpdateLFTag. `*` is refused too: in an LF-Tag expression it means any value.
import { describe, expect, it } from 'vitest';
import { desiredCatalog } from '../../src/catalog/desired.js';
import { catalogNaming } from '../../src/catalog/names.js';
import type { LfTagSpec } from '../../src/catalog/port.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { edit, type Files, validFiles } from '../workspace/fixture.js';
import { workspacesPerTest } from './workspaces.js';

const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const CLICKS = 'domains/ads/products/clicks.odcs.yaml';

const { root, errorsOf } = workspacesPerTest();

/** The fixture plus a second producer, ads, whose product clicks has `classification`. */
function withAds(classification: string): Files {
  const clicks = (validFiles()[ORDERS] as string)
    .replace('urn:mesh:demo:shop:orders\nname: orders', 'urn:mesh:demo:ads:clicks\nname: clicks')
    .replace('domain: shop', 'domain: ads')
    .replace('physicalName: orders', 'physicalName: clicks')
    .replace('s3://demo-shop-222222222222/products/orders/', 's3://demo-ads-444444444444/products/clicks/')
    .replace('entity: orders', 'entity: clicks')
    .replace('value: confidential', `value: ${JSON.stringify(classification)}`);
  return {
    ...edit(validFiles(), 'mesh.yaml', '  - domains/insights\n', '  - domains/insights\n  - domains/ads\n'),
    'domains/ads/domain.yaml':
      'name: ads\nkind: producer\nowner: {team: ads-team, contact: ads@example.com}\naccount: "444444444444"\nlocations: [s3://demo-ads-444444444444/products/]\n',
    [CLICKS]: clicks,
    'domains/ads/schemas/order.avsc': validFiles()['domains/shop/schemas/order.avsc'] as string,
    'domains/ads/data/orders.csv': validFiles()['domains/shop/data/orders.csv'] as string,
  };
}

const REFUSED = ['internal (beta)', '*', 'a'.repeat(257), 'x;domain=shop', 'tab\there'];

describe('classification values', () => {
  it.each(REFUSED)('refuses %j, which Lake Formation would not take as an LF-Tag value', async (value) => {
    expect(await errorsOf(withAds(value))).toEqual([`InvalidValue ${CLICKS} customProperties[0].value`]);
  });

  it.each(['internal', 'Confidential', 'pii/high', 'tier-1 @ eu: 100%', 'öffentlich'])('accepts %j', async (value) => {
    expect(await errorsOf(withAds(value))).toEqual([]);
  });

  it("publishing one team's product never carries another team's refused value (a workspace that skipped validation)", async () => {
    const ws = await loadWorkspace(await root(withAds('internal')));
    const hostile: Workspace = {
      ...ws,
      products: ws.products.map((p) => (p.name === 'clicks' ? { ...p, classification: 'internal (beta)' } : p)),
    };
    const naming = catalogNaming(hostile, 'aws');
    const scope = { products: ['orders'], include: { publish: true, subscriptions: false } };
    const tag = desiredCatalog(hostile, scope, naming)
      .resources.map((r) => r.spec)
      .find((s): s is LfTagSpec => s.kind === 'lf-tag' && s.key === 'classification');
    expect(tag?.values).toEqual(['confidential']);
    // Publishing the product itself is refused before anything is planned.
    expect(() => desiredCatalog(hostile, { ...scope, products: ['clicks'] }, naming)).toThrow(
      expect.objectContaining({ code: 'ConfigInvalid' }),
    );
  });
});
