import { afterEach, describe, expect, test } from 'vitest';
import { resolveWorkspaceFiles } from '../../src/workspace/load.js';
import { Reporter } from '../../src/workspace/reporter.js';
import * as rules from '../../src/workspace/rules.js';
import { lfTagValuesWithinLimit } from '../../src/workspace/rules-limits.js';
import { edit, type Files, lineOf, removeWorkspace, validFiles, writeWorkspace } from './fixture.js';

const MESH = 'mesh.yaml';
const SHOP = 'domains/shop/domain.yaml';
const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const AVSC = 'domains/shop/schemas/order.avsc';

/** The valid files with `extra` more products (copies of orders), each with a table port. */
function withProducts(extra: number): Files {
  const files: Files = validFiles();
  const orders = files[ORDERS] as string;
  for (let i = 0; i < extra; i++) {
    files[`domains/shop/products/orders-${i}.odcs.yaml`] = orders
      .replace('id: urn:mesh:demo:shop:orders\nname: orders', `id: urn:mesh:demo:shop:orders-${i}\nname: orders-${i}`)
      .replace('/products/orders/', `/products/orders-${i}/`);
  }
  return files;
}

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await removeWorkspace(root);
});

/** Runs ONE rule over the resolved files: the codes it reports (file and schema problems excluded). */
async function runRule(rule: rules.Rule, files: Files): Promise<{ code: string; severity: string; path: string }[]> {
  const root = await writeWorkspace(files);
  roots.push(root);
  const { input } = await resolveWorkspaceFiles(root);
  if (!input) throw new Error('fixture did not resolve');
  const reporter = new Reporter();
  rule(input, reporter);
  return reporter.problems.map((p) => ({ code: p.code, severity: p.severity, path: p.path }));
}

const cases: [string, rules.Rule, Files, { code: string; severity?: string; path?: string }[]][] = [
  [
    'uniqueDomainNames',
    rules.uniqueDomainNames,
    {
      ...edit(validFiles(), MESH, '  - domains/insights', '  - domains/insights\n  - domains/again'),
      'domains/again/domain.yaml': 'name: shop\nkind: consumer\nowner: {team: t, contact: c}\naccount: "444444444444"\n',
    },
    [{ code: 'DuplicateDomain', path: 'name' }],
  ],
  [
    'uniqueProductNames',
    rules.uniqueProductNames,
    {
      ...validFiles(),
      'domains/shop/products/orders-copy.odcs.yaml': validFiles()[ORDERS]?.replace('entity: orders', 'entity: orders-two') ?? '',
    },
    [{ code: 'DuplicateProduct', path: 'name' }],
  ],
  [
    'uniqueTopics',
    rules.uniqueTopics,
    {
      ...validFiles(),
      'domains/shop/products/refunds.odcs.yaml': (validFiles()[ORDERS] ?? '')
        .replace('name: orders', 'name: refunds')
        .replace(':orders', ':refunds'),
    },
    [{ code: 'DuplicateTopic', path: 'customProperties[1].value.entity' }],
  ],
  [
    'uniqueWithinDomain',
    rules.uniqueWithinDomain,
    edit(
      validFiles(),
      INSIGHTS,
      'transforms:\n  - name: daily\n    sql: transforms/daily.sql\n    output: datasets/daily.csv\n',
      'transforms:\n  - name: daily\n    sql: transforms/daily.sql\n    output: a.csv\n  - name: daily\n    sql: transforms/daily.sql\n    output: b.csv\n',
    ),
    [{ code: 'DuplicateTransform', path: 'transforms[1].name' }],
  ],
  [
    'productsOwnedByProducers',
    rules.productsOwnedByProducers,
    edit(
      edit(validFiles(), ORDERS, 'domain: shop', 'domain: shopping'),
      ORDERS,
      'id: urn:mesh:demo:shop:orders',
      'id: urn:mesh:demo:shopping:orders',
    ),
    [
      { code: 'ProductDomainMismatch', path: 'domain' },
      { code: 'ProductIdMismatch', path: 'id' },
    ],
  ],
  [
    'locationsOwned',
    rules.locationsOwned,
    edit(
      edit(validFiles(), ORDERS, 'location: s3://demo-shop-222222222222/products/', 'location: s3://demo-other-222222222222/products/'),
      INSIGHTS,
      'account: "333333333333"',
      'account: "333333333333"\nlocations: [s3://demo-shop-222222222222/products/orders/]',
    ),
    [
      { code: 'LocationOverlap', path: 'locations[0]' },
      { code: 'LocationNotDeclared', path: 'servers[0].location' },
    ],
  ],
  [
    'subscriptionsResolve',
    rules.subscriptionsResolve,
    edit(validFiles(), INSIGHTS, 'columns: [order_id, amount]', 'columns: [order_id, total]'),
    [{ code: 'UnknownColumn', path: 'subscriptions[0].table.columns[1]' }],
  ],
  [
    'accessPolicyHonoured',
    rules.accessPolicyHonoured,
    edit(validFiles(), INSIGHTS, 'columns: [order_id, amount]', 'columns: [order_id, email]'),
    [{ code: 'AccessNotRequested', path: 'subscriptions[0].product' }],
  ],
  [
    'topicNamesValid',
    rules.topicNamesValid,
    edit(validFiles(), INSIGHTS, 'function: orders-handler', 'function: orders-handler\n      deadLetterTopic: "bad topic"'),
    [{ code: 'InvalidTopicName', path: 'subscriptions[0].stream.deadLetterTopic' }],
  ],
  [
    'generatedNamesUnique',
    rules.generatedNamesUnique,
    {
      ...edit(validFiles(), MESH, '  - domains/insights', '  - domains/insights\n  - domains/insights-eu'),
      'domains/insights-eu/domain.yaml':
        'name: insights-eu\nkind: consumer\nowner: {team: t, contact: c}\naccount: "333333333333"\nsubscriptions:\n  - product: orders\n    stream: {function: handler}\n',
      [INSIGHTS]: (validFiles()[INSIGHTS] as string).replace('function: orders-handler', 'function: eu-handler'),
    },
    [{ code: 'NameCollision', path: 'subscriptions[0].stream.function' }],
  ],
  [
    'declaredPermissionsScoped',
    rules.declaredPermissionsScoped,
    edit(
      validFiles(),
      INSIGHTS,
      'function: orders-handler',
      'function: orders-handler\n      permissions: [{actions: ["kafka-cluster:*"], resources: ["*"]}]',
    ),
    [{ code: 'PermissionNotAllowed', path: 'subscriptions[0].stream.permissions[0].actions' }],
  ],
  [
    'deadLetterTopicsOwned',
    rules.deadLetterTopicsOwned,
    edit(validFiles(), INSIGHTS, 'function: orders-handler', 'function: orders-handler\n      deadLetterTopic: mesh.shop.orders.v1'),
    [{ code: 'DeadLetterTopicNotOwned', path: 'subscriptions[0].stream.deadLetterTopic' }],
  ],
  [
    'glueIdentifiersValid',
    rules.glueIdentifiersValid,
    edit(validFiles(), ORDERS, 'physicalName: orders', 'physicalName: Orders-Table'),
    [{ code: 'InvalidGlueIdentifier', path: 'schema[0].physicalName' }],
  ],
  [
    'eventSchemasAgree',
    rules.eventSchemasAgree,
    edit(validFiles(), AVSC, '"type": ["null", "string"], "default": null', '"type": "string"'),
    [{ code: 'NullabilityMismatch', severity: 'warning', path: 'schema[0].properties[2]' }],
  ],
  [
    'awsIdentifiersValid',
    rules.awsIdentifiersValid,
    edit(validFiles(), SHOP, 'region: us-east-1', 'region: eu-west-9\nprofile: shop\nroleArn: arn:aws:iam::222222222222:role/MeshAdmin'),
    [
      { code: 'UnknownRegion', path: 'region' },
      { code: 'InvalidValue', severity: 'warning', path: 'roleArn' },
    ],
  ],
  [
    'ownerFieldsPresent',
    rules.ownerFieldsPresent,
    edit(validFiles(), INSIGHTS, 'owner:\n  team: insights-team\n  contact: insights@example.com\n', ''),
    [
      { code: 'MissingOwnerField', path: 'owner.team' },
      { code: 'MissingOwnerField', path: 'owner.contact' },
    ],
  ],
  [
    'workspaceShape',
    rules.workspaceShape,
    { ...validFiles(), [ORDERS]: null, 'domains/shop/schemas/order.avsc': null },
    [{ code: 'NoProducts', severity: 'warning', path: 'kind' }],
  ],
  [
    'domainAccountsAssigned',
    rules.domainAccountsAssigned,
    // shop names its assigned account; insights names 333333333333 but is assigned another one.
    edit(validFiles(), MESH, 'domains:\n', 'domainAccounts:\n  shop: "222222222222"\n  insights: "444444444444"\ndomains:\n'),
    [{ code: 'AccountNotAssigned', path: 'account' }],
  ],
  [
    // Lake Formation: at most 1,000 values per LF-Tag key; 1,001 products give the `product` key 1,001.
    'lfTagValuesWithinLimit',
    lfTagValuesWithinLimit,
    withProducts(1000),
    [{ code: 'LfTagValueLimit', severity: 'warning', path: 'domains' }],
  ],
];

describe('domainAccounts in mesh.yaml', () => {
  const assign = (entries: string) => edit(validFiles(), MESH, 'domains:\n', `domainAccounts:\n${entries}domains:\n`);

  test('a domain the assignment leaves out may not run anywhere', async () => {
    const problems = await runRule(rules.domainAccountsAssigned, assign('  shop: "222222222222"\n'));
    expect(problems).toEqual([{ code: 'AccountNotAssigned', severity: 'error', path: 'account' }]);
  });

  test('an entry that names no domain is a warning (a domain renamed to it would run there)', async () => {
    const problems = await runRule(
      rules.domainAccountsAssigned,
      assign('  shop: "222222222222"\n  insights: "333333333333"\n  legacy: "888888888888"\n'),
    );
    expect(problems).toEqual([{ code: 'AccountNotAssigned', severity: 'warning', path: 'domainAccounts.legacy' }]);
  });

  test("a roleArn in another account than the domain's is refused (mesh would act there)", async () => {
    const files = edit(
      assign('  shop: "222222222222"\n  insights: "333333333333"\n'),
      'domains/insights/domain.yaml',
      'account: "333333333333"\n',
      'account: "333333333333"\nroleArn: arn:aws:iam::666666666666:role/mesh-ci-apply\n',
    );
    expect(await runRule(rules.domainAccountsAssigned, files)).toEqual([
      { code: 'AccountNotAssigned', severity: 'error', path: 'roleArn' },
    ]);
  });

  test('every domain in its assigned account: no problem; without domainAccounts, nothing is checked', async () => {
    expect(await runRule(rules.domainAccountsAssigned, assign('  shop: "222222222222"\n  insights: "333333333333"\n'))).toEqual([]);
    expect(await runRule(rules.domainAccountsAssigned, validFiles())).toEqual([]);
  });
});

describe('each rule', () => {
  test('the table covers every rule', () => {
    expect(new Set(cases.map((c) => c[1]))).toEqual(new Set(rules.RULES));
  });

  test.each(cases.map(([name, rule]) => [name, rule] as const))('%s reports nothing for the valid workspace', async (_name, rule) => {
    expect(await runRule(rule, validFiles())).toEqual([]);
  });

  test.each(cases)('%s finds its mistake', async (_name, rule, files, expected) => {
    const problems = await runRule(rule, files);
    expect(problems).toEqual(expected.map((e) => ({ severity: 'error', ...e })).map((e) => expect.objectContaining(e)));
  });

  test('a derived dead-letter topic is not reported twice when the product topic is invalid', async () => {
    const files = edit(validFiles(), ORDERS, 'entity: orders', 'entity: orders\n      topic: "__orders"');
    expect((await runRule(rules.topicNamesValid, files)).map((p) => p.path)).toEqual(['customProperties[1].value.topic']);
  });

  test('locations: another prefix of the same bucket is a warning; a declared location that is not plain is refused', async () => {
    const shared = edit(
      validFiles(),
      INSIGHTS,
      'account: "333333333333"',
      'account: "333333333333"\nlocations: [s3://demo-shop-222222222222/exports/]',
    );
    expect(await runRule(rules.locationsOwned, shared)).toEqual([{ code: 'SharedBucket', severity: 'warning', path: 'locations[0]' }]);
    const unsafe = edit(
      validFiles(),
      SHOP,
      '  - s3://demo-shop-222222222222/products/',
      '  - s3://demo-shop-222222222222/products/%2E%2E/',
    );
    expect(await runRule(rules.locationsOwned, unsafe)).toEqual([
      { code: 'UnsafeLocation', severity: 'error', path: 'locations[0]' },
      { code: 'LocationNotDeclared', severity: 'error', path: 'servers[0].location' },
    ]);
  });

  test('locations across domains: each is compared with every earlier domain of its bucket, in mesh.yaml order', async () => {
    let files = edit(validFiles(), MESH, '  - domains/insights\n', '  - domains/insights\n  - domains/a\n  - domains/b\n');
    files = edit(
      files,
      INSIGHTS,
      'account: "333333333333"',
      'account: "333333333333"\nlocations: [s3://other-333333333333/x/, s3://demo-shop-222222222222/exports/]',
    );
    const consumer = (name: string, locations: string) =>
      `name: ${name}\nkind: consumer\nowner:\n  team: t\n  contact: c\naccount: "444444444444"\nlocations: [${locations}]\n`;
    files = {
      ...files,
      'domains/a/domain.yaml': consumer('a', 's3://demo-shop-222222222222/products/a/'),
      'domains/b/domain.yaml': consumer('b', 's3://other-333333333333/x/y/, s3://third-444444444444/'),
    };
    const root = await writeWorkspace(files);
    roots.push(root);
    const { input } = await resolveWorkspaceFiles(root);
    if (!input) throw new Error('fixture did not resolve');
    const reporter = new Reporter();
    rules.locationsOwned(input, reporter);
    expect(reporter.problems.map((p) => `${p.file} ${p.path} ${p.code} ${p.message}`).sort()).toEqual([
      'domains/a/domain.yaml locations[0] LocationOverlap "s3://demo-shop-222222222222/products/a/" overlaps "s3://demo-shop-222222222222/products/", declared by domain "shop".',
      'domains/a/domain.yaml locations[0] SharedBucket Bucket demo-shop-222222222222 is shared with domain "insights".',
      'domains/b/domain.yaml locations[0] LocationOverlap "s3://other-333333333333/x/y/" overlaps "s3://other-333333333333/x/", declared by domain "insights".',
      'domains/insights/domain.yaml locations[1] SharedBucket Bucket demo-shop-222222222222 is shared with domain "shop".',
    ]);
  });

  test("a local server's path stays inside its own domain folder", async () => {
    const files = edit(
      validFiles(),
      ORDERS,
      'type: s3\n    location: s3://demo-shop-222222222222/products/orders/',
      'type: local\n    path: ../../insights/data',
    );
    const root = await writeWorkspace(files);
    roots.push(root);
    const { reporter } = await resolveWorkspaceFiles(root);
    expect(reporter.problems.map((p) => `${p.file}:${p.line} ${p.code} ${p.path}`)).toEqual([
      `${ORDERS}:${lineOf(files, ORDERS, 'path: ../../insights/data')} PathEscapesDomain servers[0].path`,
    ]);
  });

  test('subscribing to a product whose contract failed to load is not "unknown"', async () => {
    const files = edit(validFiles(), ORDERS, 'status: active', 'status: [active]');
    expect(await runRule(rules.subscriptionsResolve, files)).toEqual([]);
  });
});
