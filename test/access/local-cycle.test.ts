// The request → approve → apply → expire cycle on the local target, through the CLI as a user runs it, with the
// clock injected (MESH_NOW): the query is refused until the approval is applied, reads the approved columns only,
// and is refused again once the approval has expired and the next apply has revoked it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleWorkspace, errorOf, exampleWorkspace, meshAt, meshJson } from './access-cli.js';

const BEFORE = '2026-06-01';
const AFTER_EXPIRY = '2027-01-01';
let ws: ExampleWorkspace;

beforeAll(async () => {
  ws = await exampleWorkspace();
  await meshJson(ws.root, BEFORE, 'publish-product');
  await meshJson(ws.root, BEFORE, 'apply');
}, 120_000);
afterAll(() => ws.cleanup());

const query = (sql: string, now = BEFORE) => meshAt(ws.root, now, 'query', sql, '--domain', 'analytics', '--json');

describe('access on the local target: request, approve, apply, expire', () => {
  it('request: a pending subscription in the consumer file, no grant, the query refused, listed as pending', async () => {
    const analyticsBefore = ws.read('domains/analytics/domain.yaml');
    const request = await meshJson(
      ws.root,
      BEFORE,
      'access',
      'request',
      'users',
      '--domain',
      'analytics',
      '--columns',
      'user_id,country,email',
      '--purpose',
      'churn by country',
      '--until',
      '2026-12-31',
    );
    expect(request).toMatchObject({ action: 'request', consumer: 'analytics', product: 'users', status: 'pending', written: true });
    const file = ws.read('domains/analytics/domain.yaml');
    expect(file.startsWith(analyticsBefore.replace(/firehoseStream: music-listens\n$/, ''))).toBe(true);
    expect(file).toContain(
      '  - product: users\n    table:\n      columns: [user_id, country, email]\n    request:\n      purpose: churn by country\n      until: 2026-12-31\n      requested: 2026-06-01\n',
    );
    expect(file).toContain('# yaml-language-server'); // comments survive

    const apply = await meshJson(ws.root, BEFORE, 'apply');
    const grants = ((apply.plan as { changes: { action: string; label: string }[] }).changes ?? []).filter(
      (c) => c.action === 'grant' && c.label.includes('analytics'),
    );
    expect(grants).toEqual([]);
    const denied = await query('SELECT user_id FROM users');
    expect(denied.code).toBe(1);
    expect(errorOf(denied).code).toBe('AccessDenied');
    // users needs the producer's approval: the way forward is a request, not a plain subscribe.
    expect(errorOf(denied).hint).toContain('mesh access request users --domain analytics');

    const pending = await meshJson(ws.root, BEFORE, 'access', 'list', '--pending');
    expect(pending.entries).toEqual([
      expect.objectContaining({
        consumer: 'analytics',
        product: 'users',
        producer: 'users',
        status: 'pending',
        purpose: 'churn by country',
        until: '2026-12-31',
      }),
    ]);
  });

  it('approve (narrower than the request) → apply → the query reads the approved columns only', async () => {
    const approve = await meshJson(
      ws.root,
      BEFORE,
      '-C',
      ws.file('domains/users'),
      'access',
      'approve',
      'analytics/users',
      '--columns',
      'user_id,country',
      '--by',
      'Ada Lovelace <ada@accounts.example>',
    );
    expect(approve).toMatchObject({ status: 'approved', file: 'domains/users/domain.yaml' });
    expect(ws.read('domains/users/domain.yaml')).toContain(
      '  - consumer: analytics\n    product: users\n    columns: [user_id, country]\n    by: Ada Lovelace <ada@accounts.example>\n    date: 2026-06-01\n    until: 2026-12-31\n',
    );
    const list = await meshJson(ws.root, BEFORE, 'access', 'list', '--product', 'users', '--domain', 'analytics');
    expect(list.entries).toEqual([
      expect.objectContaining({ status: 'approved', columns: ['country', 'user_id'], by: 'Ada Lovelace <ada@accounts.example>' }),
    ]);

    const apply = await meshJson(ws.root, BEFORE, 'apply');
    const labels = (apply.plan as { changes: { action: string; label: string }[] }).changes
      .filter((c) => c.action === 'grant' && c.label.endsWith('→ analytics'))
      .map((c) => c.label)
      .sort();
    expect(labels).toEqual([
      'DESCRIBE on database music_users → analytics',
      'DESCRIBE on music_users.users → analytics',
      'SELECT on music_users.users(country,user_id) → analytics',
    ]);
    const ok = await query('SELECT user_id, country FROM users ORDER BY user_id LIMIT 2');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).rows).toHaveLength(2);
    const email = await query('SELECT email FROM users');
    expect(errorOf(email).code).toBe('AccessDenied');
    expect(errorOf(email).message).toContain('column "email" is not in its grant');
  });

  it('after the last day the approval has expired: the plan says so, apply revokes, the query is refused again', async () => {
    const plan = await meshJson(ws.root, AFTER_EXPIRY, 'plan');
    const revokes = (plan.changes as { action: string; reason: string; label: string; requiresFlag?: string }[]).filter(
      (c) => (c.action === 'revoke' || c.action === 'delete') && c.label.includes('analytics'),
    );
    expect(revokes.length).toBeGreaterThanOrEqual(3);
    for (const r of revokes) {
      expect(r.reason).toMatch(/^approval expired on 2026-12-31 \(analytics on users\)/);
      expect(r.requiresFlag).toBeUndefined();
    }
    expect((await meshJson(ws.root, AFTER_EXPIRY, 'access', 'list', '--domain', 'analytics')).entries).toEqual([
      expect.objectContaining({ status: 'expired', reason: 'approval expired on 2026-12-31' }),
    ]);
    // Still readable until the apply runs: the grant is what the query goes by.
    expect((await query('SELECT user_id FROM users', AFTER_EXPIRY)).code).toBe(0);
    await meshJson(ws.root, AFTER_EXPIRY, 'apply');
    const denied = await query('SELECT user_id FROM users', AFTER_EXPIRY);
    expect(errorOf(denied).code).toBe('AccessDenied');
    // recommendations' approval (no expiry) is untouched.
    const recs = await meshAt(ws.root, AFTER_EXPIRY, 'query', 'SELECT count(*) AS n FROM users', '--domain', 'recommendations', '--json');
    expect(JSON.parse(recs.stdout).rows).toEqual([{ n: 500 }]);
  });
});
