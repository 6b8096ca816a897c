// A consumer's domain file names the dead-letter topic of each stream subscription. mesh creates that topic (with the
// source's partitions and retention), gives the consumer's function WriteData on it (execution role and MSK cluster
// policy) and points Lambda's on-failure destination at it. A name the consumer does not own would let its files
// rewrite another team's topic (retention, partitions) and let its code write into it, so a dead-letter topic must be
// in the consumer's own namespace (`….dlq.<consumer>`) and never a product's topic.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { approvingHost, createToolkit } from '../../src/toolkit/index.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { edit, type Files, removeWorkspace, validFiles, writeWorkspace } from '../workspace/fixture.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';
const ORDERS_TOPIC = 'mesh.shop.orders.v1';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await removeWorkspace(root);
});

async function workspace(files: Files): Promise<string> {
  const root = await writeWorkspace(files);
  roots.push(root);
  return root;
}

/** The valid fixture, with insights' stream subscription naming `topic` as its dead-letter topic. */
function withDeadLetter(topic: string, files: Files = validFiles()): Files {
  return edit(files, INSIGHTS, 'function: orders-handler\n', `function: orders-handler\n      deadLetterTopic: ${topic}\n`);
}

/** A second product of shop, `refunds`, whose stream keeps events one hour (orders keeps them 168). */
function withRefunds(files: Files): Files {
  const refunds = (files[ORDERS] as string)
    .replace('id: urn:mesh:demo:shop:orders\nname: orders', 'id: urn:mesh:demo:shop:refunds\nname: refunds')
    .replace('/products/orders/', '/products/refunds/')
    .replace('entity: orders', 'entity: refunds\n      retentionHours: 1')
    .replace('physicalName: orders', 'physicalName: refunds');
  return { ...files, 'domains/shop/products/refunds.odcs.yaml': refunds };
}

async function problemsOf(files: Files) {
  const { problems } = await validateWorkspace(await workspace(files));
  return problems.filter((p) => p.severity === 'error').map((p) => ({ code: p.code, file: p.file, path: p.path }));
}

describe("a subscription's dead-letter topic", () => {
  it.each([
    ['the product topic it reads', ORDERS_TOPIC],
    ["another consumer's dead-letter topic", `${ORDERS_TOPIC}.dlq.analytics`],
    ['a topic outside the mesh', 'payments.ledger'],
    ['a name that only contains the suffix', `${ORDERS_TOPIC}.dlq.insights.x`],
  ])('is refused when it is %s', async (_, topic) => {
    expect(await problemsOf(withDeadLetter(topic))).toEqual([
      { code: 'DeadLetterTopicNotOwned', file: INSIGHTS, path: 'subscriptions[0].stream.deadLetterTopic' },
    ]);
  });

  it("is refused when it is another product's topic", async () => {
    const files = withDeadLetter('mesh.shop.refunds.v1', withRefunds(validFiles()));
    expect(await problemsOf(files)).toEqual([
      { code: 'DeadLetterTopicNotOwned', file: INSIGHTS, path: 'subscriptions[0].stream.deadLetterTopic' },
    ]);
  });

  it("is accepted in the consumer's own namespace, and by default", async () => {
    expect(await problemsOf(withDeadLetter(`${ORDERS_TOPIC}.failed.dlq.insights`))).toEqual([]);
    expect(await problemsOf(validFiles())).toEqual([]);
  });

  it("cannot make `mesh subscribe` update another product's topic: the plan is refused", async () => {
    // Published and subscribed as the files allow; then insights subscribes to refunds (1 h retention) with orders'
    // topic as its dead letters.
    // (csv: the fixture's sample data is a CSV file.)
    const base = withRefunds(edit(validFiles(), ORDERS, 'format: parquet', 'format: csv'));
    const root = await workspace(base);
    await createToolkit({ cwd: root, target: 'local', host: approvingHost() }).apply();
    const hostile = edit(
      base,
      INSIGHTS,
      'transforms:',
      `  - product: refunds\n    stream:\n      function: orders-handler\n      deadLetterTopic: ${ORDERS_TOPIC}\ntransforms:`,
    );
    await writeFile(path.join(root, INSIGHTS), hostile[INSIGHTS] as string);
    const mesh = createToolkit({ cwd: root, target: 'local', host: approvingHost() });
    // What `mesh subscribe refunds --domain insights --stream --dry-run` plans.
    const scope = { subscriptions: [{ product: 'refunds', domain: 'insights', stream: true, table: false }] };
    const refused = await mesh.applyScope({ ...scope, include: { publish: false, subscriptions: true } }, { dryRun: true }).then(
      (result) => ({ changes: result.plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}`) }),
      (error: { code?: string; details?: { problems?: { code: string; path: string }[] } }) => ({
        code: error.code,
        problems: error.details?.problems?.map((p) => `${p.code} ${p.path}`),
      }),
    );
    expect(refused).toEqual({
      code: 'ConfigInvalid',
      problems: ['DeadLetterTopicNotOwned subscriptions[1].stream.deadLetterTopic'],
    });
  });
});
