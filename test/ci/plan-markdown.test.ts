// The plan as a pull-request comment: what a reviewer reads, in the order they need it.
import { describe, expect, it } from 'vitest';
import { type PendingRequest, PLAN_COMMENT_MARKER, renderPlanMarkdown } from '../../src/cli/render/plan-markdown.js';
import { type Change, type ChangeAction, type Plan, type Plane, summarize } from '../../src/engine/plan.js';

function change(
  action: ChangeAction,
  plane: Plane,
  type: string,
  label: string,
  account: string | undefined,
  reason: string,
  extra: Partial<Change> = {},
): Change {
  // Any resource type the renderer meets: it reads only the ref and the verdict.
  return {
    type,
    key: `${type}:${label}`,
    action,
    ref: { plane, type, id: label, label, ...(account ? { account } : {}) },
    reason,
    dependsOn: [],
    ...extra,
  } as Change;
}

const CHANGES: Change[] = [
  change('create', 'catalog', 'glue-table', 'music_songs.songs @central', '111111111111', 'does not exist'),
  change('create', 'catalog', 'glue-database', 'music_songs @central', '111111111111', 'does not exist'),
  change('create', 'streams', 'topic', 'mesh.songs.song-events.v1', '333333333333', 'does not exist'),
  change('update', 'catalog', 'glue-table', 'music_users.users @central', '111111111111', 'column email dropped', {
    breaking: true,
    requiresFlag: '--allow-breaking',
  }),
  change('update', 'schemas', 'schema', 'mesh.users.user-events.v1', '222222222222', 'field age | removed (BACKWARD)', {
    breaking: true,
    requiresFlag: '--allow-breaking',
  }),
  change(
    'grant',
    'catalog',
    'lf-grant',
    'SELECT on music_users.users(country,user_id) → recommendations',
    '111111111111',
    'approved by ana on 2026-03-01',
  ),
  change('revoke', 'catalog', 'lf-grant', 'SELECT on music_songs.songs → analytics', '111111111111', 'approval expired on 2026-12-31'),
  change('noop', 'catalog', 'lf-tag', 'domain @central', '111111111111', 'up to date'),
];

const PENDING: PendingRequest[] = [
  {
    consumer: 'recommendations',
    product: 'users',
    producer: 'users',
    columns: ['user_id', 'country'],
    purpose: 'personalised home page',
    until: '2026-12-31',
  },
  { consumer: 'analytics', product: 'users', producer: 'users', purpose: 'weekly <b>report</b>' },
];

const ACCOUNTS = new Map([
  ['111111111111', 'central'],
  ['222222222222', 'users'],
  ['333333333333', 'songs'],
]);

function plan(changes: readonly Change[]): Plan {
  return { changes, summary: summarize(changes) };
}

const render = (changes: readonly Change[], pending: readonly PendingRequest[] = PENDING) =>
  renderPlanMarkdown({ plan: plan(changes), mesh: 'music', target: 'aws', accounts: ACCOUNTS, pending });

describe('mesh plan --format markdown', () => {
  const text = render(CHANGES);

  it('matches the reviewed comment', async () => {
    await expect(text).toMatchFileSnapshot('./__snapshots__/plan-comment.md');
  });

  it('starts with the marker a workflow finds its comment by, and the counts', () => {
    expect(text.split('\n')[0]).toBe(PLAN_COMMENT_MARKER);
    expect(text).toContain('**Plan:** 3 to create, 2 to update, 0 to replace, 1 to grant, 1 to revoke, 0 to delete, 1 unchanged.');
  });

  it('calls out breaking changes first, then grants, the other changes and the pending requests', () => {
    const order = [
      '> [!CAUTION]',
      '### Breaking changes (2)',
      '### Grants added (1)',
      '### Grants revoked (1)',
      '### Changes by plane and account',
      '### Pending access requests (2)',
    ].map((h) => text.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('Apply needs `--allow-breaking`.');
  });

  it('carries the reason of each grant and revoke, with the account it lands in', () => {
    expect(text).toMatch(/\| `SELECT on music_songs\.songs → analytics` \| 111111111111 \(central\) \| approval expired on 2026-12-31 \|/);
    expect(text).toMatch(
      /\| `SELECT on music_users\.users\(country,user_id\) → recommendations` \| 111111111111 \(central\) \| approved by ana on 2026-03-01 \|/,
    );
  });

  it('groups the other changes by plane, then account, and leaves unchanged resources out', () => {
    const headings = text.split('\n').filter((l) => l.startsWith('#### '));
    expect(headings).toEqual([
      '#### catalog · 111111111111 (central): 1 to update, 2 to create',
      '#### schemas · 222222222222 (users): 1 to update',
      '#### streams · 333333333333 (songs): 1 to create',
    ]);
    expect(text).not.toContain('domain @central');
  });

  it('lists pending requests with who approves, and escapes what a cell cannot hold', () => {
    expect(text).toContain('| `recommendations/users` | users | country, user_id | personalised home page | 2026-12-31 |');
    expect(text).toContain('| `analytics/users` | users | all | weekly &lt;b&gt;report&lt;/b&gt; |  |');
    expect(text).toContain('field age \\| removed (BACKWARD)');
    expect(text).toContain('mesh access approve <consumer>/<product>');
  });

  it('is the same text whatever order the planes reported in', () => {
    const shuffled = [...CHANGES].reverse();
    expect(render(shuffled, [...PENDING].reverse())).toBe(text);
  });

  it('folds long lists into <details> and stays under the size of a GitHub comment', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      change(
        'create',
        'streams',
        'topic',
        `mesh.domain${String(i).padStart(4, '0')}.${'x'.repeat(40)}.v1`,
        '333333333333',
        'does not exist',
      ),
    );
    const long = render(many, []);
    expect(long).toContain('<details>\n<summary>Show all 3000</summary>');
    expect(long.length).toBeLessThanOrEqual(60_000);
    expect(long).toMatch(/… and 2900 more: run `mesh plan` for the full list\./);
    const short = render(many.slice(0, 3), []);
    expect(short).not.toContain('<details>');
  });

  it('says so when there is nothing to do', () => {
    const none = render([CHANGES[7] as Change], []);
    expect(none).toBe(`${PLAN_COMMENT_MARKER}\n## mesh plan: music (target aws)\n\nNo changes. Everything is up to date.\n`);
  });
});
