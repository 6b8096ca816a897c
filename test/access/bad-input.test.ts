// Each bad input to `mesh access` gets a clear error (code, message, hint; exit 2) and leaves every file as it was.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleWorkspace, errorOf, exampleWorkspace, meshAt, meshJson } from './access-cli.js';

const NOW = '2026-06-01';
let ws: ExampleWorkspace;

/** Every domain file's text, by folder. */
function domainFiles(): Record<string, string> {
  const dir = ws.file('domains');
  return Object.fromEntries(readdirSync(dir).map((d) => [d, readFileSync(path.join(dir, d, 'domain.yaml'), 'utf8')]));
}

async function refused(args: string[], code: string, cwd = ws.root): Promise<{ message: string; hint?: string }> {
  const before = domainFiles();
  const run = await meshAt(cwd, NOW, ...args, '--json');
  expect(run.code, run.stdout + run.stderr).toBe(2);
  const error = errorOf(run);
  expect(error.code).toBe(code);
  expect(domainFiles()).toEqual(before);
  return error;
}

beforeAll(async () => {
  ws = await exampleWorkspace();
  await meshJson(ws.root, NOW, 'access', 'request', 'users', '--domain', 'analytics', '--columns', 'user_id,country', '--purpose', 'churn');
}, 60_000);
afterAll(() => ws.cleanup());

describe('mesh access: bad input changes nothing', () => {
  it('approving a request that does not exist', async () => {
    const e = await refused(['access', 'approve', 'analytics/songs', '--by', 'ada'], 'RequestNotFound');
    expect(e.message).toBe('analytics has not requested access to songs: its domain file has no subscription to the songs table.');
    expect(e.hint).toContain('mesh access request songs --domain analytics');
  });

  it('approving from the consumer domain (its folder, or --domain)', async () => {
    const e = await refused(['access', 'approve', 'analytics/users', '--by', 'ada'], 'NotProducer', ws.file('domains/analytics'));
    expect(e.message).toBe('Only the users domain can approve access to its products; this runs as analytics.');
    expect(e.hint).toContain('domains/users');
    await refused(['access', 'approve', 'analytics/users', '--by', 'ada', '--domain', 'analytics'], 'NotProducer');
  });

  it('an expiry in the past, on a request or an approval', async () => {
    const e = await refused(['access', 'approve', 'analytics/users', '--by', 'ada', '--until', '2026-05-31'], 'ExpiryInPast');
    expect(e.message).toBe('--until 2026-05-31 is in the past (today is 2026-06-01).');
    await refused(['access', 'request', 'songs', '--domain', 'analytics', '--purpose', 'x', '--until', '2025-01-01'], 'ExpiryInPast');
    await refused(['access', 'approve', 'analytics/users', '--by', 'ada', '--until', '2026-02-30'], 'InvalidDate');
  });

  it('columns the product does not have', async () => {
    const e = await refused(['access', 'approve', 'analytics/users', '--by', 'ada', '--columns', 'user_id,contry'], 'UnknownColumn');
    expect(e.message).toBe('users has no column "contry".');
    expect(e.hint).toBe('Did you mean "country"?');
    await refused(['access', 'request', 'songs', '--domain', 'analytics', '--purpose', 'x', '--columns', 'nope'], 'UnknownColumn');
    const wider = await refused(
      ['access', 'approve', 'analytics/users', '--by', 'ada', '--columns', 'user_id,email'],
      'ColumnsNotRequested',
    );
    expect(wider.message).toBe('analytics did not request "email" of users.');
  });

  it('a denial without a reason', async () => {
    const e = await refused(['access', 'deny', 'analytics/users', '--by', 'ada'], 'ReasonRequired');
    expect(e.message).toBe('--reason is required and may not be empty.');
    await refused(['access', 'deny', 'analytics/users', '--by', 'ada', '--reason', '  '], 'ReasonRequired');
  });

  it('two approvals for one request', async () => {
    await meshJson(ws.root, NOW, 'access', 'approve', 'analytics/users', '--by', 'ada');
    const e = await refused(['access', 'approve', 'analytics/users', '--by', 'grace'], 'AlreadyApproved');
    expect(e.message).toMatch(/^analytics\/users is approved already \(by ada on 2026-06-01\)\.$/);
    expect(e.hint).toContain('mesh access revoke analytics/users');
  });

  it('a request without a purpose, a second request, and a malformed reference', async () => {
    await refused(['access', 'request', 'songs', '--domain', 'analytics'], 'PurposeRequired');
    await refused(['access', 'request', 'users', '--domain', 'analytics', '--purpose', 'again'], 'AlreadyApproved');
    await refused(['access', 'revoke', 'analytics-users', '--by', 'ada'], 'UsageError');
    await refused(['access', 'revoke', 'recommendations/songs', '--by', 'ada'], 'NoApproval');
  });

  it('--dry-run shows the edit and writes nothing', async () => {
    const before = domainFiles();
    const run = await meshJson(ws.root, NOW, 'access', 'revoke', 'analytics/users', '--by', 'ada', '--reason', 'project over', '--dry-run');
    expect(run).toMatchObject({ action: 'revoke', written: false });
    expect(run.preview).toContain(
      'denials:\n  - consumer: analytics\n    product: users\n    by: ada\n    date: 2026-06-01\n    reason: "approval revoked: project over"\n',
    );
    expect(domainFiles()).toEqual(before);
  });
});
