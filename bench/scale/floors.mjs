// The scale bench's floor table (bench/scale.mjs): each AWS operation of a first publish and of the subscriptions
// next to the fewest calls that can do it for the measured mesh, from the workspace's shape (bench/scale/aws-run.mjs).

const BATCH_ENTRIES = 20; // BatchGrantPermissions: entries per call (the API's limit)
const LF_TAG_VALUES_PER_CALL = 50; // CreateLFTag / UpdateLFTag: values per call (the API's limit)
const GRANTS_PER_PAGE = 1000; // ListPermissions: the largest page
const ceil = (n, per) => Math.ceil(n / per);

/**
 * Each operation of a first publish and of the subscriptions next to its floor: the fewest calls that can do it for
 * this mesh with mesh's names and grants (one link database per consumer-producer pair; named-resource grants), and
 * what it is per. Computed from the workspace's shape (bench/scale/aws-run.mjs), not from mesh's plan.
 */
function floorsOf(a) {
  const p = a.publish.shape;
  const u = a.subscribe.shape;
  const producerGrants = p.tables + p.producers + p.locations;
  const tagUpdates = Object.values(p.tagValues).reduce(
    (n, v) => n + ceil(Math.max(0, v - LF_TAG_VALUES_PER_CALL), LF_TAG_VALUES_PER_CALL),
    0,
  );
  const publish = [
    ['glue:CreateTable', p.tables, 'one per table'],
    [
      'lakeformation:AddLFTagsToResource',
      p.tables,
      'one per table: each has its own `product` value, and the API tags one resource per call',
    ],
    [
      'glue:CreateDatabase',
      p.producers + p.producerLinks,
      "per producer domain: its central database, and its database link in the producer's account (Glue creates one database per call)",
    ],
    ['lakeformation:RegisterResource', p.buckets, 'one per bucket (no batch API)'],
    [
      's3:GetBucketPolicy',
      p.buckets,
      "one per bucket: the ownership check (ExpectedBucketOwner) before anything is registered, and the policy mesh's statement is merged into",
    ],
    ['s3:PutBucketPolicy', p.buckets, 'one per bucket'],
    ['lakeformation:CreateLFTag', Object.keys(p.tagValues).length, 'one per LF-Tag key'],
    [
      'lakeformation:UpdateLFTag',
      tagUpdates,
      `a key's values beyond the first ${LF_TAG_VALUES_PER_CALL}, ${LF_TAG_VALUES_PER_CALL} per call`,
    ],
    [
      'lakeformation:BatchGrantPermissions',
      ceil(producerGrants, BATCH_ENTRIES),
      `producer grants (${producerGrants}): each table, each domain's database and bucket location; ${BATCH_ENTRIES} per call, across domains`,
    ],
    [
      'glue:GetDatabases',
      1 + p.producerLinks,
      "the central catalog's, and each producer account's: mesh's link there may exist already (a stopped destroy, an old mesh name or naming pattern) and is compared, not assumed absent",
    ],
    ['lakeformation:ListPermissions', 1, 'one page: no grant yet'],
    ['lakeformation:ListResources', 1, 'one page'],
    ['lakeformation:ListLFTags', 1, 'one page'],
  ];
  const entries = u.subscriptions + u.columnSubsets + u.pairs;
  const subscribe = [
    ['glue:CreateTable', u.linkedSubscriptions, "each subscription's resource link in the consumer's account (the name consumers query)"],
    ['glue:CreateDatabase', u.linkedPairs, "one link database per consumer-producer pair (mesh_<producer> in the consumer's account)"],
    [
      'lakeformation:BatchGrantPermissions',
      ceil(entries, BATCH_ENTRIES),
      `${entries} entries: SELECT+DESCRIBE per subscription (a column subset: DESCRIBE on the table and SELECT on the columns, two entries, as TableWithColumns takes SELECT only), DESCRIBE on the producer's database per pair (not implied across accounts); ${BATCH_ENTRIES} per call`,
    ],
    ['glue:GetDatabases', 1 + u.consumerAccounts, 'the central catalog, and each consumer account once: which link databases exist'],
    [
      'glue:GetTables',
      u.centralTablePages,
      "each producer's central database, 100 tables a page: every subscribed table must be published",
    ],
    [
      'lakeformation:ListPermissions',
      Math.max(1, ceil(producerGrants, GRANTS_PER_PAGE)),
      `the grants there are (${producerGrants}), ${GRANTS_PER_PAGE} a page`,
    ],
  ];
  return { publish, subscribe };
}

export function floors(a) {
  const { publish, subscribe } = floorsOf(a);
  const rows = (name, step, list) => {
    const known = new Set(list.map(([op]) => op));
    const extra = Object.keys(step.byOperation).filter((op) => !known.has(op));
    return [
      ...list.map(([op, floor, why]) => {
        const n = step.byOperation[op] ?? 0;
        return `| ${name} | ${op} | ${n} | ${floor} | ${n > floor ? `**+${n - floor}**` : n < floor ? `${n - floor}` : '0'} | ${why} |`;
      }),
      ...extra.map((op) => `| ${name} | ${op} | ${step.byOperation[op]} | 0 | **+${step.byOperation[op]}** | not expected |`),
    ];
  };
  const sum = (list) => list.reduce((n, [, f]) => n + f, 0);
  const fp = sum(publish);
  const fs = sum(subscribe);
  return {
    floorPerTable: fp / a.tables,
    floorPerSubscription: fs / a.subscriptions,
    lines: [
      '| step | operation | calls | floor | above the floor | what it is per, and why it cannot be fewer |',
      '|---|---|---|---|---|---|',
      ...rows('first publish', a.publish, publish),
      `| first publish | **total** | ${a.publish.calls} | ${fp} | ${a.publish.calls - fp} | **floor ${(fp / a.tables).toFixed(2)} calls per table** (goal ≤ 2.1) |`,
      ...rows('subscriptions', a.subscribe, subscribe),
      `| subscriptions | **total** | ${a.subscribe.calls} | ${fs} | ${a.subscribe.calls - fs} | **floor ${(fs / a.subscriptions).toFixed(3)} calls per subscription** (goal ≤ 1.1) |`,
    ],
  };
}
