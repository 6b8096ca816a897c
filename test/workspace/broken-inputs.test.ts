import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateWorkspace } from '../../src/workspace/load.js';
import type { Problem } from '../../src/workspace/problems.js';
import { edit, type Files, lineOf, removeWorkspace, validFiles, writeWorkspace } from './fixture.js';

const MESH = 'mesh.yaml';
const SHOP = 'domains/shop/domain.yaml';
const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const AVSC = 'domains/shop/schemas/order.avsc';

interface BrokenCase {
  readonly name: string;
  readonly files: Files;
  readonly code: Problem['code'];
  readonly file: string;
  readonly line: number;
  readonly path?: string;
  readonly hint?: string | RegExp;
  /** Other problems the same mistake rightly causes (default: none). */
  readonly alsoCodes?: readonly string[];
  readonly severity?: 'warning';
}

function broken(
  name: string,
  file: string,
  find: string,
  replace: string,
  expected: Omit<BrokenCase, 'name' | 'files' | 'file' | 'line'> & { at?: string; file?: string },
): BrokenCase {
  const files = edit(validFiles(), file, find, replace);
  const reportedIn = expected.file ?? file;
  return {
    ...expected,
    name,
    files,
    file: reportedIn,
    line: lineOf(files, reportedIn, expected.at ?? replace.trim().split('\n')[0] ?? replace),
  };
}

const base = validFiles();
const cases: BrokenCase[] = [
  broken('malformed YAML (unterminated quote)', MESH, 'name: demo', 'name: "demo', {
    code: 'YamlSyntax',
    at: 'name: "demo',
    alsoCodes: [],
  }),
  { name: 'empty file', files: { ...base, [SHOP]: '# nothing here yet\n' }, code: 'EmptyFile', file: SHOP, line: 1 },
  {
    name: 'missing domain file',
    files: { ...base, [INSIGHTS]: null },
    code: 'FileNotFound',
    file: MESH,
    line: lineOf(base, MESH, '- domains/insights'),
    path: 'domains[1]',
    alsoCodes: [],
  },
  broken('domain folder escapes the workspace', MESH, '  - domains/insights', '  - ../../outside', {
    code: 'PathEscapesWorkspace',
    file: MESH,
    path: 'domains[1]',
  }),
  broken('unknown field with a close match', MESH, 'target: local', 'targt: local', {
    code: 'UnknownField',
    path: 'targt',
    hint: 'Did you mean "target"?',
  }),
  broken('wrong type: a string where a list goes', MESH, 'domains:\n  - domains/shop\n  - domains/insights', 'domains: domains/shop', {
    code: 'WrongType',
    path: 'domains',
  }),
  broken('missing required field', MESH, 'apiVersion: mesh/v1\n', '', { code: 'MissingField', at: 'name: demo', path: 'apiVersion' }),
  broken('value not in the enum', MESH, 'target: local', 'target: cloud', { code: 'InvalidValue', path: 'target' }),
  broken('unknown streaming kind', MESH, 'kind: embedded', 'kind: kinesis', { code: 'InvalidValue', path: 'streaming.kind' }),
  broken('malformed MSK cluster ARN', MESH, 'kind: embedded', 'kind: msk\n  clusterArn: arn:aws:kafka:us-east-1:1234:cluster/x', {
    code: 'InvalidArn',
    at: 'clusterArn',
    path: 'streaming.clusterArn',
  }),
  broken('account id not 12 digits', MESH, 'account: "111111111111"', 'account: "11111"', {
    code: 'InvalidAccountId',
    path: 'centralCatalog.account',
  }),
  broken('account written as a number loses its leading zero', SHOP, 'account: "222222222222"', 'account: 012345678901', {
    code: 'InvalidAccountId',
    path: 'account',
    hint: /Quote account ids/,
  }),
  broken('region that does not exist', MESH, 'region: us-east-1', 'region: us-east-9', {
    code: 'UnknownRegion',
    path: 'centralCatalog.region',
    hint: /us-east-1|us-east-2/,
  }),
  broken('malformed role ARN', SHOP, 'region: us-east-1', 'region: us-east-1\nroleArn: arn:aws:iam::222222222222:user/bob', {
    code: 'InvalidArn',
    at: 'roleArn',
    path: 'roleArn',
  }),
  broken('invalid domain name', SHOP, 'name: shop', 'name: Shop_1', {
    code: 'InvalidName',
    path: 'name',
    alsoCodes: ['ProductDomainMismatch', 'ProductIdMismatch'],
  }),
  broken('duplicate domain names', INSIGHTS, 'name: insights', 'name: shop', {
    code: 'DuplicateDomain',
    path: 'name',
    alsoCodes: ['SubscriberNotConsumer'],
  }),
  broken('subscription names an unknown product', INSIGHTS, '- product: orders', '- product: order', {
    code: 'UnknownProduct',
    path: 'subscriptions[0].product',
    hint: 'Did you mean "orders"?',
  }),
  broken('subscription grants an unknown column', INSIGHTS, 'columns: [order_id, amount]', 'columns: [order_id, amout]', {
    code: 'UnknownColumn',
    path: 'subscriptions[0].table.columns[1]',
    hint: 'Did you mean "amount"?',
  }),
  broken('producer with subscriptions', SHOP, 'storage:', 'subscriptions:\n  - product: orders\n    table: true\nstorage:', {
    code: 'SubscriberNotConsumer',
    at: 'kind: producer',
    path: 'kind',
  }),
  broken('product owned by a consumer domain', SHOP, 'kind: producer', 'kind: consumer', {
    code: 'ProductOwnerNotProducer',
    file: ORDERS,
    at: 'domain: shop',
    path: 'domain',
  }),
  broken('column name not a Glue identifier', ORDERS, '- name: amount', '- name: Amount', {
    code: 'InvalidGlueIdentifier',
    path: 'schema[0].properties[1].name',
    hint: 'Use "amount".',
    alsoCodes: ['UnknownColumn'],
  }),
  broken('explicit topic off the mesh pattern', ORDERS, 'entity: orders', 'entity: orders\n      topic: shop-orders', {
    code: 'TopicPatternMismatch',
    at: 'topic: shop-orders',
    path: 'customProperties[1].value.topic',
  }),
  broken('topic name Kafka reserves', ORDERS, 'entity: orders', 'entity: orders\n      topic: __orders', {
    code: 'InvalidTopicName',
    at: 'topic: __orders',
    path: 'customProperties[1].value.topic',
  }),
  {
    name: 'event schema is not JSON',
    files: { ...base, [AVSC]: '{\n  "type": "record",\n  "name": "Order"\n  "fields": []\n}\n' },
    code: 'AvroSchemaInvalid',
    file: AVSC,
    line: 4,
  },
  broken('event schema is not valid Avro', AVSC, '"type": "double"', '"type": "dubble"', {
    code: 'AvroSchemaInvalid',
    file: AVSC,
    at: '{',
  }),
  broken('column and event field disagree on type', AVSC, '"type": "double"', '"type": "string"', {
    code: 'TypeMismatch',
    file: ORDERS,
    at: 'physicalType: double',
    path: 'schema[0].properties[1].physicalType',
  }),
  broken('required column, nullable event field', AVSC, '"type": "double"', '"type": ["null", "double"], "default": null', {
    code: 'NullabilityMismatch',
    file: ORDERS,
    at: 'required: true\n      - name: email',
    path: 'schema[0].properties[1].required',
  }),
  broken('stream key field not in the event schema', ORDERS, 'keyField: order_id', 'keyField: orderid', {
    code: 'KeyFieldMissing',
    path: 'customProperties[1].value.keyField',
    hint: 'Did you mean "order_id"?',
  }),
  broken('owner contact missing', SHOP, '  contact: shop@example.com\n', '', {
    code: 'MissingOwnerField',
    at: 'owner:',
    path: 'owner.contact',
  }),
  broken('transform SQL file missing', INSIGHTS, 'sql: transforms/daily.sql', 'sql: transforms/weekly.sql', {
    code: 'FileNotFound',
    path: 'transforms[0].sql',
  }),
  broken('handler folder missing', INSIGHTS, 'function: orders-handler', 'function: order-handler', {
    code: 'FileNotFound',
    path: 'subscriptions[0].stream.function',
  }),
  broken(
    'contract with two schema objects',
    ORDERS,
    'servers:',
    '  - name: other\n    properties:\n      - name: x\n        physicalType: string\nservers:',
    { code: 'SchemaObjectCount', at: 'schema:', path: 'schema' },
  ),
  broken('column type mesh does not support', ORDERS, 'physicalType: double', 'physicalType: varchar', {
    code: 'UnsupportedType',
    path: 'schema[0].properties[1].physicalType',
    alsoCodes: [],
  }),
  broken('logical and physical types disagree', ORDERS, 'logicalType: number', 'logicalType: boolean', {
    code: 'LogicalTypeMismatch',
    at: 'physicalType: double',
    path: 'schema[0].properties[1].physicalType',
  }),
  broken('contract names another domain', ORDERS, 'domain: shop', 'domain: shops', { code: 'ProductDomainMismatch', path: 'domain' }),
  broken('contract id off the urn scheme', ORDERS, 'id: urn:mesh:demo:shop:orders', 'id: orders-1', {
    code: 'ProductIdMismatch',
    path: 'id',
  }),
  broken('sample data path escapes the workspace', ORDERS, 'value: ../data/orders.csv', 'value: ../../../../../etc/passwd', {
    code: 'PathEscapesWorkspace',
    path: 'customProperties[2].value',
  }),
  broken('duplicate key in YAML', SHOP, 'region: us-east-1', 'region: us-east-1\nregion: eu-west-1', {
    code: 'YamlSyntax',
    at: 'region: eu-west-1',
  }),
  broken('unknown field in a contract property', ORDERS, 'primaryKey: true', 'primaryKey: true\n        requird: true', {
    code: 'UnknownField',
    at: 'requird',
    path: 'schema[0].properties[0].requird',
    hint: 'Did you mean "required"?',
  }),
  broken(
    'subscription with neither table nor stream',
    INSIGHTS,
    '    table:\n      columns: [order_id, amount]\n    stream:\n      function: orders-handler\n',
    '    table: false\n',
    { code: 'EmptySubscription', at: '- product: orders', path: 'subscriptions[0]' },
  ),
  broken(
    'one function, two handler folders',
    INSIGHTS,
    'transforms:',
    '  - product: orders\n    stream:\n      function: orders-handler\n      handlerDir: handlers/other\ntransforms:',
    {
      code: 'DuplicateFunction',
      at: 'function: orders-handler\n      handlerDir',
      path: 'subscriptions[1].stream.function',
      alsoCodes: ['DuplicateSubscription', 'FileNotFound'],
    },
  ),
  broken('stream subscription to a product without a stream port', ORDERS, '  - property: streamPort', '  - property: streamPortOld', {
    code: 'PortNotOffered',
    file: INSIGHTS,
    at: 'stream:',
    path: 'subscriptions[0].stream',
  }),
  broken('misspelled custom property is a warning', ORDERS, 'property: classification', 'property: clasification', {
    code: 'UnknownCustomProperty',
    severity: 'warning',
    path: 'customProperties[0].property',
    hint: 'Did you mean "classification"?',
  }),
];

describe('broken inputs: each mistake has its own code and location', () => {
  test('the table covers at least 25 cases with distinct codes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.code)).size).toBeGreaterThanOrEqual(25);
  });

  test.each(cases)('$name → $code', async (c) => {
    const root = await writeWorkspace(c.files);
    try {
      const { workspace, problems } = await validateWorkspace(root);
      const match = problems.find((p) => p.code === c.code);
      expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
      expect(match).toMatchObject({ file: c.file, line: c.line, severity: c.severity ?? 'error' });
      if (c.path !== undefined) expect(match?.path).toBe(c.path);
      if (c.hint instanceof RegExp) expect(match?.hint).toMatch(c.hint);
      else if (c.hint !== undefined) expect(match?.hint).toBe(c.hint);
      const others = problems.filter((p) => p !== match && p.severity === 'error').map((p) => p.code);
      expect(
        others.every((code) => (c.alsoCodes ?? []).includes(code)),
        `unexpected: ${others.join(', ')}`,
      ).toBe(true);
      if (c.severity === 'warning') expect(workspace).toBeDefined();
      else expect(workspace).toBeUndefined();
    } finally {
      await removeWorkspace(root);
    }
  });

  test('unreadable file (a folder where the contract should be) → FileUnreadable', async () => {
    const files = edit(validFiles(), SHOP, 'storage:', 'products:\n  - products/orders.odcs.yaml\n  - products/folder.odcs.yaml\nstorage:');
    const root = await writeWorkspace({ ...files, 'domains/shop/products/folder.odcs.yaml/x': 'x' });
    const { problems } = await validateWorkspace(root);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'FileUnreadable', file: SHOP, line: lineOf(files, SHOP, '- products/folder'), path: 'products[1]' }),
    ]);
    await removeWorkspace(root);
  });

  test('unreadable file (no read permission) → FileUnreadable', async () => {
    const root = await writeWorkspace(validFiles());
    await chmod(path.join(root, SHOP), 0o000);
    const { problems } = await validateWorkspace(root);
    // root can read anything: then the file is fine and nothing is reported
    if (process.getuid?.() === 0) expect(problems).toEqual([]);
    else expect(problems.map((p) => [p.code, p.file, p.line])).toEqual([['FileUnreadable', MESH, 10]]);
    await chmod(path.join(root, SHOP), 0o644);
    await removeWorkspace(root);
  });

  test('mesh.yaml with a typo still has its domains checked: all problems in one run', async () => {
    let files = edit(validFiles(), MESH, 'target: local', 'targt: local');
    files = edit(files, INSIGHTS, 'kind: consumer', 'kind: consumr');
    const root = await writeWorkspace(files);
    const { problems } = await validateWorkspace(root);
    expect(problems.map((p) => [p.file, p.line, p.code])).toEqual([
      [INSIGHTS, 2, 'InvalidValue'],
      [MESH, 3, 'UnknownField'],
    ]);
    await removeWorkspace(root);
  });
});
