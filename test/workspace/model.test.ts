import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import { findWorkspaceRoot, loadWorkspace, validateWorkspace } from '../../src/workspace/load.js';
import { findProduct, subscribersOf } from '../../src/workspace/model.js';
import { consumerGroupId, topicName } from '../../src/workspace/naming.js';
import { edit, removeWorkspace, validFiles, writeWorkspace } from './fixture.js';

describe('loadWorkspace resolves the model', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeWorkspace(validFiles());
  });
  afterAll(() => removeWorkspace(root));

  test('mesh settings with defaults filled in', async () => {
    const ws = await loadWorkspace(root);
    expect(ws.root).toBe(root);
    expect(ws.meshFile).toBe(path.join(root, 'mesh.yaml'));
    expect(ws.mesh).toEqual({
      name: 'demo',
      target: 'local',
      central: { account: '111111111111', region: 'us-east-1', dataAccessRoleName: 'MeshLfDataAccess' },
      streaming: { kind: 'embedded' },
      naming: {
        topicPattern: 'mesh.{domain}.{entity}.v{major}',
        databasePattern: '{mesh}_{domain}',
        linkDatabasePattern: 'mesh_{domain}',
        consumerGroupPattern: 'mesh.{consumer}.{product}',
      },
      requiredOwnerFields: ['team', 'contact'],
      schemaRegistry: 'demo',
      localDir: path.join(root, '.mesh', 'local'),
      aws: { artifactBucketPattern: '{mesh}-{domain}-{account}' },
    });
  });

  test('domains: access, role, storage, subscriptions with defaults and absolute paths', async () => {
    const ws = await loadWorkspace(root);
    expect(ws.domains.map((d) => [d.name, d.kind])).toEqual([
      ['shop', 'producer'],
      ['insights', 'consumer'],
    ]);
    const [shop, insights] = ws.domains;
    expect(shop?.access).toEqual({ account: '222222222222', region: 'us-east-1' });
    expect(shop?.roleName).toBe('mesh-shop');
    expect(shop?.storage).toEqual({ kind: 'relational', source: 'aurora://shop' });
    expect(shop?.dir).toBe(path.join(root, 'domains/shop'));
    expect(insights?.access.region).toBe('us-east-1'); // from the central catalog
    expect(insights?.subscriptions).toEqual([
      {
        product: 'orders',
        table: { columns: ['order_id', 'amount'] },
        stream: {
          function: 'orders-handler',
          handlerDir: path.join(root, 'domains/insights/handlers/orders-handler'),
          handler: 'index.handler',
          startingPosition: 'LATEST',
          batchSize: 100,
          batchingWindowSeconds: 1,
          maximumRetryAttempts: 3,
          deadLetterTopic: 'mesh.shop.orders.v1.dlq.insights',
          permissions: [],
          environment: {},
        },
      },
    ]);
    expect(insights?.transforms).toEqual([
      {
        name: 'daily',
        sqlFile: path.join(root, 'domains/insights/transforms/daily.sql'),
        sql: 'SELECT order_date, sum(amount) AS total FROM orders GROUP BY order_date\n',
        output: 'datasets/daily.csv',
        engine: 'athena',
      },
    ]);
  });

  test('product: columns, table port, stream port, owner, sample data', async () => {
    const ws = await loadWorkspace(root);
    const orders = findProduct(ws, 'orders');
    expect(orders).toMatchObject({
      id: 'urn:mesh:demo:shop:orders',
      domain: 'shop',
      version: '1.0.0',
      status: 'active',
      description: 'Orders placed in the shop.',
      owner: { team: 'shop-team', contact: 'orders@example.com' },
      classification: 'confidential',
      file: path.join(root, 'domains/shop/products/orders.odcs.yaml'),
      sampleData: path.join(root, 'domains/shop/data/orders.csv'),
      table: {
        format: 'parquet',
        location: 's3://demo-shop-222222222222/products/orders/',
        partitionKeys: ['order_date'],
        tableName: 'orders',
      },
    });
    expect(orders?.columns.map((c) => [c.name, c.type, c.required, c.pii, c.primaryKey])).toEqual([
      ['order_id', 'string', true, false, true],
      ['amount', 'double', true, false, false],
      ['email', 'string', false, true, false],
      ['ordered_at', 'timestamp', true, false, false],
      ['order_date', 'date', true, false, false],
    ]);
    expect(orders?.stream).toMatchObject({
      entity: 'orders',
      major: 1,
      topic: 'mesh.shop.orders.v1',
      partitions: 3,
      replicationFactor: 3,
      retentionHours: 168,
      keyField: 'order_id',
      eventSchemaFile: path.join(root, 'domains/shop/schemas/order.avsc'),
      compatibility: 'BACKWARD',
      encoding: 'avro',
      configs: {},
    });
    expect(orders?.stream?.eventSchema).toContain('"name": "Order"');
    expect(topicName(ws.mesh, 'shop', 'orders', 1)).toBe(orders?.stream?.topic);
    expect(consumerGroupId(ws.mesh, 'insights', 'orders')).toBe('mesh.insights.orders');
    expect(subscribersOf(ws, 'orders').map((s) => s.domain.name)).toEqual(['insights']);
  });

  test('--target overrides mesh.yaml', async () => {
    expect((await loadWorkspace(root, { target: 'aws' })).mesh.target).toBe('aws');
  });

  test('walks up from a sub-folder to mesh.yaml', async () => {
    const deep = path.join(root, 'domains/shop/products');
    expect(await findWorkspaceRoot(deep)).toBe(root);
    expect((await loadWorkspace(deep)).root).toBe(root);
  });
});

describe('loadWorkspace errors', () => {
  test('no mesh.yaml anywhere up: WorkspaceNotFound, exit 2, hint to run mesh init', async () => {
    const root = await writeWorkspace({});
    await mkdir(path.join(root, 'empty'), { recursive: true });
    const error = await loadWorkspace(path.join(root, 'empty')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: 'WorkspaceNotFound', exitCode: 2 });
    expect((error as MeshError).hint).toContain('mesh init');
    await removeWorkspace(root);
  });

  test('a workspace with errors: ConfigInvalid, exit 2, count and first problem, every problem in details', async () => {
    let files = edit(validFiles(), 'mesh.yaml', 'target: local', 'target: cloud');
    files = edit(files, 'domains/shop/domain.yaml', 'kind: producer', 'kind: producr');
    const root = await writeWorkspace(files);
    const error = (await loadWorkspace(root).catch((e: unknown) => e)) as MeshError;
    expect(error.code).toBe('ConfigInvalid');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^The workspace has 2 errors; first: domains\/shop\/domain\.yaml:2:7 {2}InvalidValue {2}kind/);
    expect(error.location).toEqual({ file: 'domains/shop/domain.yaml', line: 2, column: 7, path: 'kind' });
    const problems = (error.details?.problems ?? []) as { code: string; file: string }[];
    expect(problems.map((p) => [p.file, p.code])).toEqual([
      ['domains/shop/domain.yaml', 'InvalidValue'],
      ['mesh.yaml', 'InvalidValue'],
    ]);
    await removeWorkspace(root);
  });

  test('warnings do not stop loading', async () => {
    const files = edit(validFiles(), 'domains/shop/products/orders.odcs.yaml', 'property: sampleData', 'property: sampledata');
    const root = await writeWorkspace(files);
    const result = await validateWorkspace(root);
    expect(result.problems.map((p) => [p.code, p.severity, p.hint])).toEqual([
      ['UnknownCustomProperty', 'warning', 'Did you mean "sampleData"?'],
    ]);
    expect(result.workspace?.products[0]?.sampleData).toBeUndefined();
    await removeWorkspace(root);
  });
});
