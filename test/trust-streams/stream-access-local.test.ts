// Stream subscriptions obey the access decisions (local target). The streams plane never asked the access verdict: for
// an `accessPolicy: approval` product, a stream-only subscription with no approval (or a pending request, an expired
// approval, a denial, a revocation, or an approval of some columns only) still got its function record and consumer
// group, and `mesh dev` delivered whole events, email (PII) included. Now the plan lists such a subscription as
// withheld with the reason, `mesh subscribe --stream` is refused with AccessNotApproved, an approved one still works,
// and a revocation stops delivery.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/engine/plan.js';
import { openState } from '../../src/engine/run.js';
import { startFunctionRunner } from '../../src/streams/local-runner/runner.js';
import type { LocalFunctionSpec } from '../../src/streams/port.js';
import { approvingHost, createToolkit } from '../../src/toolkit/index.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { edit, removeWorkspace, validFiles, writeWorkspace } from '../workspace/fixture.js';

const SHOP = 'domains/shop/domain.yaml';
const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const NOW = '2026-03-01';
const EVERY_COLUMN = '[order_id, amount, email, ordered_at, order_date]';

/**
 * orders needs the producer's approval and its events carry every column, email (PII) included; insights requests
 * some columns of the table (an approval answers a table request) and subscribes to the stream.
 */
function files() {
  return edit(
    edit(validFiles(), ORDERS, 'format: parquet', 'format: csv'),
    ORDERS,
    '  - property: accessPolicy\n    value: open\n',
    '  - property: accessPolicy\n    value: approval\n',
  );
}

let root: string;
let shopFile: string;
let baseShop: string;
let insightsFile: string;
let baseInsights: string;
let previousNow: string | undefined;
const mesh = () => createToolkit({ cwd: root, target: 'local', host: approvingHost() });
const decide = (yaml: string) => writeFileSync(shopFile, `${baseShop}${yaml}`);
/** insights requests these columns of the orders table (and keeps its stream subscription). */
const request = (columns: string) =>
  writeFileSync(
    insightsFile,
    baseInsights.replace(
      '    table:\n      columns: [order_id, amount]\n',
      `    table:\n      columns: ${columns}\n    request:\n      purpose: order insights\n      requested: 2026-01-01\n`,
    ),
  );
const approval = (columns: string, until?: string) =>
  `approvals:\n  - consumer: insights\n    product: orders\n    columns: ${columns}\n    by: shop-team\n    date: 2026-01-01\n${until ? `    until: ${until}\n` : ''}`;
const denial = (reason: string) =>
  `denials:\n  - consumer: insights\n    product: orders\n    by: shop-team\n    date: 2026-02-01\n    reason: "${reason}"\n`;

/** The stream subscription's part of a plan: `action type reason` lines. */
const streamLines = (plan: Plan) =>
  plan.changes
    .filter((c) => c.ref.type === 'consumer-group' || c.ref.type === 'function')
    .map((c) => `${c.action} ${c.ref.type} ${c.reason}`);

async function refusedSubscribe() {
  const before = readFileSync(path.join(root, INSIGHTS), 'utf8');
  const error = await mesh()
    .subscribe({ product: 'orders', domain: 'insights', stream: true })
    .then(
      () => undefined,
      (e: { code?: string; message?: string; hint?: string }) => e,
    );
  expect(readFileSync(path.join(root, INSIGHTS), 'utf8')).toBe(before);
  return { code: error?.code, message: error?.message, hint: error?.hint };
}

async function running(): Promise<readonly string[]> {
  const runner = await startFunctionRunner({
    workspace: await loadWorkspace(root),
    target: 'local',
    signal: new AbortController().signal,
  });
  await runner.stop();
  return runner.running;
}

async function recordedFunction(): Promise<LocalFunctionSpec | undefined> {
  const state = openState(await loadWorkspace(root), 'local');
  return state.get('function:local/insights/orders-handler')?.attributes?.spec as LocalFunctionSpec | undefined;
}

beforeAll(async () => {
  previousNow = process.env.MESH_NOW;
  process.env.MESH_NOW = NOW;
  root = await writeWorkspace(files());
  shopFile = path.join(root, SHOP);
  baseShop = readFileSync(shopFile, 'utf8');
  insightsFile = path.join(root, INSIGHTS);
  baseInsights = readFileSync(insightsFile, 'utf8');
  request('[order_id, amount]');
  expect((await mesh().publishProduct(['orders'])).applied).toBe(true);
}, 120_000);
afterEach(() => {
  decide('');
  request('[order_id, amount]');
});
afterAll(async () => {
  if (previousNow === undefined) delete process.env.MESH_NOW;
  else process.env.MESH_NOW = previousNow;
  await removeWorkspace(root);
});

describe('a stream subscription that access withholds gets no consumer group and no function (local)', () => {
  it('pending (no approval yet): listed as withheld; `subscribe --stream` refused with the approve hint', async () => {
    const { plan } = await mesh().plan();
    expect(streamLines(plan)).toEqual(['noop consumer-group withheld: waiting for the approval of shop (insights on orders)']);
    expect(await refusedSubscribe()).toEqual({
      code: 'AccessNotApproved',
      message: 'insights may not read the stream of orders: waiting for the approval of shop.',
      hint: 'The shop domain approves it: mesh access approve insights/orders.',
    });
    expect(await recordedFunction()).toBeUndefined();
  });

  it('denied: listed as withheld with the denial; refused with the request hint', async () => {
    decide(denial('not for marketing'));
    const { plan } = await mesh().plan();
    expect(streamLines(plan)).toEqual([
      'noop consumer-group withheld: denied by shop-team on 2026-02-01: not for marketing (insights on orders)',
    ]);
    expect(await refusedSubscribe()).toMatchObject({
      code: 'AccessNotApproved',
      hint: 'Request access: mesh access request orders --domain insights --purpose "..."',
    });
  });

  it('expired approval: listed as withheld', async () => {
    decide(approval('[order_id, amount]', '2026-02-28'));
    const { plan } = await mesh().plan();
    expect(streamLines(plan)).toEqual(['noop consumer-group withheld: approval expired on 2026-02-28 (insights on orders)']);
    expect((await refusedSubscribe()).code).toBe('AccessNotApproved');
  });

  it('approved without email, while the events carry email: withheld (a column grant cannot be applied to events)', async () => {
    request('[order_id, amount, ordered_at, order_date]');
    decide(approval('[order_id, amount, ordered_at, order_date]'));
    const { plan } = await mesh().plan();
    expect(streamLines(plan)).toEqual([
      'noop consumer-group withheld: its events carry column email, which insights is not granted (a column grant cannot be applied to events) (insights on orders)',
    ]);
    expect(await refusedSubscribe()).toMatchObject({
      code: 'AccessNotApproved',
      hint: expect.stringContaining('The shop domain removes email from the event schema of orders'),
    });
    expect(await running()).toEqual([]);
  });
});

describe('an approved stream subscription works, and a revocation stops its delivery (local)', () => {
  it('approved for every column the events carry: the group and the function are made, `mesh dev` runs it', async () => {
    request(EVERY_COLUMN);
    decide(approval(EVERY_COLUMN));
    const { applied, plan } = await mesh().apply();
    expect(applied).toBe(true);
    expect(streamLines(plan).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['create consumer-group', 'create function']);
    expect((await recordedFunction())?.subscriptions.map((s) => s.product)).toEqual(['orders']);
    expect(await running()).toEqual(['insights/orders-handler ← mesh.shop.orders.v1']);
  });

  it('revoked: the next apply (no flag) updates the function to deliver nothing, and `mesh dev` no longer runs it', async () => {
    request(EVERY_COLUMN);
    decide(denial('approval revoked: contract ended'));
    const { applied, plan } = await mesh().apply();
    expect(applied).toBe(true);
    expect(streamLines(plan)).toEqual([
      'noop consumer-group withheld: denied by shop-team on 2026-02-01: approval revoked: contract ended (insights on orders)',
      'update function withheld: denied by shop-team on 2026-02-01: approval revoked: contract ended (insights on orders); the function delivers nothing',
    ]);
    expect((await recordedFunction())?.subscriptions).toEqual([]);
    expect(await running()).toEqual([]);
  });
});
