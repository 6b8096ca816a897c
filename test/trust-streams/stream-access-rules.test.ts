// Which stream subscriptions access allows (pure, from the files): a column grant cannot be applied to events, so a
// subscription is delivered only when the consumer may read every column the events carry. Before, the streams plane
// never asked: an open product's events handed its PII column to a consumer whose table subscription left it out.
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { streamAccess } from '../../src/streams/functions/stream-access.js';
import { streamSubscriptionsInScope, withheldStreamSubscriptions } from '../../src/streams/functions/stream-subscriptions.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import type { Workspace } from '../../src/workspace/model.js';
import { exampleWorkspace } from '../access/access-cli.js';
import { edit, type Files, removeWorkspace, validFiles, writeWorkspace } from '../workspace/fixture.js';

const AVSC = 'domains/shop/schemas/order.avsc';
const INSIGHTS = 'domains/insights/domain.yaml';
const NOW = new Date('2026-03-01T00:00:00Z');
const FULL = { include: { publish: false, subscriptions: true } };

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await removeWorkspace(root);
});

async function load(files: Files): Promise<Workspace> {
  const root = await writeWorkspace(files);
  roots.push(root);
  return loadWorkspace(root);
}

function insightsOnOrders(ws: Workspace) {
  const consumer = ws.domains.find((d) => d.name === 'insights');
  const product = ws.products.find((p) => p.name === 'orders');
  const subscription = consumer?.subscriptions.find((s) => s.product === 'orders');
  if (!consumer || !product || !subscription) throw new Error('fixture: no insights subscription to orders');
  return streamAccess(ws, consumer, product, subscription, NOW);
}

const withoutEmailEvents = (files: Files) =>
  edit(files, AVSC, '    { "name": "email", "type": ["null", "string"], "default": null },\n', '');

describe('an open product whose events carry a PII column', () => {
  it('is withheld from a consumer whose table subscription leaves the PII column out (it needs an approval)', async () => {
    const ws = await load(validFiles());
    expect(insightsOnOrders(ws)).toMatchObject({
      grant: false,
      status: 'uncovered',
      reason: 'its events carry column email, which insights is not granted (a column grant cannot be applied to events)',
    });
    expect(streamSubscriptionsInScope(ws, FULL, NOW)).toEqual([]);
    expect(withheldStreamSubscriptions(ws, FULL, NOW).map((w) => w.reason)).toEqual([
      'its events carry column email, which insights is not granted (a column grant cannot be applied to events) (insights on orders)',
    ]);
  });

  it('is delivered once the events leave the PII column out (the other columns are open to anyone)', async () => {
    const ws = await load(withoutEmailEvents(validFiles()));
    expect(insightsOnOrders(ws)).toEqual({ grant: true });
    expect(streamSubscriptionsInScope(ws, FULL, NOW).map((s) => `${s.domain.name}/${s.stream.function}`)).toEqual([
      'insights/orders-handler',
    ]);
  });

  it('a stream-only subscription asks for what the events carry: refused with PII, delivered without', async () => {
    const streamOnly = (files: Files) => edit(files, INSIGHTS, '    table:\n      columns: [order_id, amount]\n', '');
    expect(insightsOnOrders(await load(streamOnly(validFiles())))).toMatchObject({
      grant: false,
      status: 'pending',
      hint: 'Request access: mesh access request orders --domain insights --purpose "..."',
    });
    expect(insightsOnOrders(await load(streamOnly(withoutEmailEvents(validFiles()))))).toEqual({ grant: true });
  });

  it('a scope naming the subscription fails with AccessNotApproved, nothing planned', async () => {
    const ws = await load(validFiles());
    const scope = { subscriptions: [{ product: 'orders', domain: 'insights', stream: true, table: false }], ...FULL };
    expect(() => streamSubscriptionsInScope(ws, scope, NOW)).toThrow(
      expect.objectContaining({
        code: 'AccessNotApproved',
        message:
          'insights may not read the stream of orders: its events carry column email, which insights is not granted (a column grant cannot be applied to events).',
      }),
    );
  });
});

describe('the running example', () => {
  it("recommendations' users-handler is delivered with the shipped users events, withheld when they carry email", async () => {
    const example = await exampleWorkspace();
    try {
      const ws = await loadWorkspace(example.root);
      const delivered = streamSubscriptionsInScope(ws, FULL, NOW).map((s) => `${s.domain.name}/${s.stream.function} ← ${s.product.name}`);
      expect(delivered).toContain('recommendations/users-handler ← users');
      expect(withheldStreamSubscriptions(ws, FULL, NOW)).toEqual([]);

      // The users events as they were: email (PII) on the stream, and recommendations approved without it.
      const avsc = example.file('domains/users/schemas/user-change.avsc');
      const schema = JSON.parse(await readFile(avsc, 'utf8')) as { fields: object[] };
      schema.fields.splice(1, 0, { name: 'email', type: 'string' });
      await writeFile(avsc, JSON.stringify(schema));
      const withEmail = await loadWorkspace(example.root);
      expect(withheldStreamSubscriptions(withEmail, FULL, NOW).map((w) => w.reason)).toEqual([
        'its events carry column email, which recommendations is not granted (a column grant cannot be applied to events) (recommendations on users)',
      ]);
    } finally {
      example.cleanup();
    }
  });
});
