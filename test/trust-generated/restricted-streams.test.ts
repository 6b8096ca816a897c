// A restricted product (accessPolicy: restricted, allowedDomains) may be requested only by the domains it lists. The
// rule held for table subscriptions only: a domain left out could subscribe to the product's stream, and mesh made
// it a function reading the topic (on aws: ReadData in its execution role and the MSK cluster policy).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvingHost, createToolkit } from '../../src/toolkit/index.js';
import { edit, type Files, validFiles } from '../workspace/fixture.js';
import { workspacesPerTest } from './workspaces.js';

const INSIGHTS = 'domains/insights/domain.yaml';
const ORDERS = 'domains/shop/products/orders.odcs.yaml';

const { root: workspace, errorsOf } = workspacesPerTest();

/** orders restricted to `allowed`; insights subscribes to its stream only (no table, no request). */
function restrictedStream(allowed: readonly string[]): Files {
  const restricted = edit(
    edit(validFiles(), ORDERS, 'format: parquet', 'format: csv'),
    ORDERS,
    '  - property: accessPolicy\n    value: open\n',
    `  - property: accessPolicy\n    value: restricted\n  - property: allowedDomains\n    value: [${allowed.join(', ')}]\n`,
  );
  return edit(restricted, INSIGHTS, '    table:\n      columns: [order_id, amount]\n', '');
}

describe("a restricted product's stream", () => {
  it('is refused to a domain the product does not list', async () => {
    expect(await errorsOf(restrictedStream([]))).toEqual([`DomainNotAllowed ${INSIGHTS} subscriptions[0].product`]);
    expect(await errorsOf(restrictedStream(['shop']))).toEqual([`DomainNotAllowed ${INSIGHTS} subscriptions[0].product`]);
  });

  it('is open to a domain the product lists', async () => {
    expect(await errorsOf(restrictedStream(['insights']))).toEqual([]);
  });

  it('gets no function on the topic: `mesh subscribe --stream` is refused before any change', async () => {
    // Published while insights was listed; then the producer takes insights off the list.
    const dir = await workspace(restrictedStream(['insights']));
    const mesh = createToolkit({ cwd: dir, target: 'local', host: approvingHost() });
    await mesh.publishProduct(['orders']);
    await writeFile(path.join(dir, ORDERS), restrictedStream([])[ORDERS] as string);
    const scope = { subscriptions: [{ product: 'orders', domain: 'insights', stream: true, table: false }] };
    const outcome = await mesh.applyScope({ ...scope, include: { publish: false, subscriptions: true } }, { dryRun: true }).then(
      (result) => ({ changes: result.plan.changes.map((c) => `${c.action} ${c.key}`) }),
      (error: { code?: string; details?: { problems?: { code: string }[] } }) => ({
        code: error.code,
        problems: error.details?.problems?.map((p) => p.code),
      }),
    );
    expect(outcome).toEqual({ code: 'ConfigInvalid', problems: ['DomainNotAllowed'] });
  });
});
