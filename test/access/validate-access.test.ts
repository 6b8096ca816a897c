// `mesh validate` enforces the access policy across files: each case is an error with its file and line.
import { appendFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExampleWorkspace, exampleWorkspace, meshAt } from './access-cli.js';

let ws: ExampleWorkspace;
beforeEach(async () => {
  ws = await exampleWorkspace();
}, 60_000);
afterEach(() => ws.cleanup());

interface Problem {
  code: string;
  file: string;
  line: number;
  path: string;
  message: string;
  hint?: string;
}

async function problems(): Promise<Problem[]> {
  const run = await meshAt(ws.root, '2026-06-01', 'validate', '--json');
  expect(run.code).toBe(2);
  return (JSON.parse(run.stdout) as { error: { details: { problems: Problem[] } } }).error.details.problems.filter(
    (p) => p.code !== 'NoProducts',
  );
}

/** analytics (consumer) gets subscriptions written into its domain file, before firehoseStream. */
function analyticsSubscribes(entries: string): void {
  const file = ws.file('domains/analytics/domain.yaml');
  const text = ws
    .read('domains/analytics/domain.yaml')
    .replace('firehoseStream: music-listens\n', `${entries}firehoseStream: music-listens\n`);
  writeFileSync(file, text);
}

function lineOf(rel: string, needle: string): number {
  return (
    ws
      .read(rel)
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  );
}

describe('mesh validate: access across files', () => {
  it('a subscription to an approval product without a request or approval names the approver and the command', async () => {
    analyticsSubscribes('  - product: users\n    table: true\n');
    const [p] = await problems();
    expect(p).toMatchObject({
      code: 'AccessNotRequested',
      file: 'domains/analytics/domain.yaml',
      line: lineOf('domains/analytics/domain.yaml', '- product: users'),
      path: 'subscriptions[1].product',
      message: 'analytics subscribes to "users" without an approval: it needs the approval of the users domain (accounts-team).',
    });
    expect(p?.hint).toContain('mesh access request users --domain analytics --purpose "..."');
    expect(p?.hint).toContain('mesh access approve analytics/users');
  });

  it('PII on an open product needs approval too, unless the columns leave it out', async () => {
    const contract = ws.file('domains/users/products/users.odcs.yaml');
    writeFileSync(contract, ws.read('domains/users/products/users.odcs.yaml').replace('value: approval', 'value: open'));
    analyticsSubscribes('  - product: users\n    table:\n      columns: [user_id, email]\n');
    const [p] = await problems();
    expect(p?.code).toBe('AccessNotRequested');
    expect(p?.message).toContain('its PII column email need the approval of the users domain');
    analyticsSubscribes('');
    writeFileSync(
      ws.file('domains/analytics/domain.yaml'),
      ws.read('domains/analytics/domain.yaml').replace('columns: [user_id, email]', 'columns: [user_id, country]'),
    );
    const ok = await meshAt(ws.root, '2026-06-01', 'validate', '--json');
    expect(ok.code).toBe(0);
  });

  it('an approval for a request that does not exist', async () => {
    appendFileSync(
      ws.file('domains/users/domain.yaml'),
      '  - consumer: analytics\n    product: users\n    by: ada\n    date: 2026-06-01\n',
    );
    const [p] = await problems();
    expect(p).toMatchObject({
      code: 'ApprovalWithoutRequest',
      file: 'domains/users/domain.yaml',
      line: lineOf('domains/users/domain.yaml', '- consumer: analytics') + 0,
      path: 'approvals[1].consumer',
      message: 'The approval for analytics/users answers no request: analytics does not subscribe to the table of users.',
    });
  });

  it('an approval recorded outside the producer files', async () => {
    appendFileSync(
      ws.file('domains/songs/domain.yaml'),
      'approvals:\n  - consumer: recommendations\n    product: users\n    by: mallory\n    date: 2026-06-01\n',
    );
    const [p] = await problems();
    expect(p).toMatchObject({
      code: 'ApprovalOutsideProducer',
      file: 'domains/songs/domain.yaml',
      line: lineOf('domains/songs/domain.yaml', 'product: users'),
      path: 'approvals[0].product',
      message: '"users" belongs to the users domain; songs cannot record an approval for it.',
    });
  });

  it('a restricted product requested by an unlisted domain', async () => {
    const contract = ws.file('domains/users/products/users.odcs.yaml');
    writeFileSync(
      contract,
      ws
        .read('domains/users/products/users.odcs.yaml')
        .replace('value: approval', 'value: restricted\n  - property: allowedDomains\n    value: [recommendations]'),
    );
    analyticsSubscribes('  - product: users\n    table: true\n    request:\n      purpose: churn\n');
    const [p] = await problems();
    expect(p).toMatchObject({
      code: 'DomainNotAllowed',
      file: 'domains/analytics/domain.yaml',
      line: lineOf('domains/analytics/domain.yaml', '- product: users'),
      message: '"users" is restricted to recommendations; analytics may not request it.',
    });
  });
});
