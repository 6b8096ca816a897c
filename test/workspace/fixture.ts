import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A small valid workspace: producer `shop` (product `orders`, table + stream) and consumer `insights`. */
export function validFiles(): Record<string, string> {
  return {
    'mesh.yaml': `apiVersion: mesh/v1
name: demo
target: local
centralCatalog:
  account: "111111111111"
  region: us-east-1
streaming:
  kind: embedded
domains:
  - domains/shop
  - domains/insights
`,
    'domains/shop/domain.yaml': `name: shop
kind: producer
owner:
  team: shop-team
  contact: shop@example.com
account: "222222222222"
region: us-east-1
storage:
  kind: relational
  source: aurora://shop
locations:
  - s3://demo-shop-222222222222/products/
`,
    'domains/shop/products/orders.odcs.yaml': `apiVersion: v3.0.2
kind: DataContract
id: urn:mesh:demo:shop:orders
name: orders
version: 1.0.0
status: active
domain: shop
dataProduct: orders
description:
  purpose: Orders placed in the shop.
team:
  - username: orders@example.com
    role: owner
schema:
  - name: orders
    physicalName: orders
    physicalType: table
    properties:
      - name: order_id
        logicalType: string
        physicalType: string
        required: true
        primaryKey: true
      - name: amount
        logicalType: number
        physicalType: double
        required: true
      - name: email
        physicalType: string
        customProperties:
          - property: pii
            value: true
      - name: ordered_at
        physicalType: timestamp
        required: true
      - name: order_date
        logicalType: date
        physicalType: date
        required: true
        partitioned: true
        partitionKeyPosition: 1
servers:
  - server: lake
    type: s3
    location: s3://demo-shop-222222222222/products/orders/
    format: parquet
customProperties:
  - property: classification
    value: confidential
  - property: streamPort
    value:
      entity: orders
      keyField: order_id
      eventSchema: ../schemas/order.avsc
  - property: sampleData
    value: ../data/orders.csv
  - property: accessPolicy
    value: open
`,
    'domains/shop/schemas/order.avsc': `{
  "type": "record",
  "name": "Order",
  "fields": [
    { "name": "order_id", "type": "string" },
    { "name": "amount", "type": "double" },
    { "name": "email", "type": ["null", "string"], "default": null },
    { "name": "ordered_at", "type": { "type": "long", "logicalType": "timestamp-millis" } },
    { "name": "order_date", "type": { "type": "int", "logicalType": "date" } }
  ]
}
`,
    'domains/shop/data/orders.csv': 'order_id,amount,email,ordered_at,order_date\no1,9.5,a@example.com,2026-01-01 10:00:00,2026-01-01\n',
    'domains/insights/domain.yaml': `name: insights
kind: consumer
owner:
  team: insights-team
  contact: insights@example.com
account: "333333333333"
subscriptions:
  - product: orders
    table:
      columns: [order_id, amount]
    stream:
      function: orders-handler
transforms:
  - name: daily
    sql: transforms/daily.sql
    output: datasets/daily.csv
`,
    'domains/insights/handlers/orders-handler/index.ts': 'export const handler = async () => ({ batchItemFailures: [] });\n',
    'domains/insights/transforms/daily.sql': 'SELECT order_date, sum(amount) AS total FROM orders GROUP BY order_date\n',
  };
}

export type Files = Record<string, string | null>;

/** Writes files into a fresh temp folder (`null` means: do not write that file). */
export async function writeWorkspace(files: Files): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'mesh-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) continue;
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, text);
  }
  return root;
}

export async function removeWorkspace(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** Replaces `find` (must occur) in the file's text. */
export function edit(files: Files, file: string, find: string, replace: string): Files {
  const text = files[file];
  if (typeof text !== 'string' || !text.includes(find)) throw new Error(`fixture: "${find}" not found in ${file}`);
  return { ...files, [file]: text.replace(find, replace) };
}

/** 1-based line of the first occurrence of `marker` in the file's text. */
export function lineOf(files: Files, file: string, marker: string): number {
  const text = files[file];
  if (typeof text !== 'string') throw new Error(`fixture: no ${file}`);
  const index = text.indexOf(marker);
  if (index < 0) throw new Error(`fixture: "${marker}" not in ${file}`);
  return text.slice(0, index).split('\n').length;
}
