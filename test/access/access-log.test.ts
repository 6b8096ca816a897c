// `mesh access log` against a real git repository made here: the request by the consumer team's engineer and the
// decisions by the producer's, each in its own commit, read back with author, date and commit.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleWorkspace, exampleWorkspace, meshJson } from './access-cli.js';

let ws: ExampleWorkspace;

/** git in the workspace, as `who`, at a fixed time (no global config read). */
function git(args: string[], who?: { name: string; email: string; date: string }): string {
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    ...(who
      ? {
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_AUTHOR_DATE: who.date,
          GIT_COMMITTER_NAME: who.name,
          GIT_COMMITTER_EMAIL: who.email,
          GIT_COMMITTER_DATE: who.date,
        }
      : {}),
  };
  const r = spawnSync('git', args, { cwd: ws.root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const BOB = { name: 'Bob Analyst', email: 'bob@insights.example' };
const ADA = { name: 'Ada Accounts', email: 'ada@accounts.example' };
const commits: Record<string, string> = {};

function commit(label: string, who: { name: string; email: string }, date: string): void {
  git(['add', '-A']);
  git(['commit', '-q', '-m', label], { ...who, date: `${date}T10:00:00Z` });
  commits[label] = git(['rev-parse', 'HEAD']);
}

beforeAll(async () => {
  ws = await exampleWorkspace();
  const outside = await meshJson(ws.root, '2026-06-01', 'access', 'log', 'users');
  expect(outside.git).toBe(false);
  expect(outside.note).toContain('History needs git');
  expect(outside.current).toEqual([expect.objectContaining({ consumer: 'recommendations', status: 'approved' })]);

  git(['init', '-q', '-b', 'main']);
  commit('the example', ADA, '2026-06-01');
  await meshJson(
    ws.root,
    '2026-06-02',
    'access',
    'request',
    'users',
    '--domain',
    'analytics',
    '--columns',
    'user_id,country',
    '--purpose',
    'churn',
  );
  commit('analytics requests users', BOB, '2026-06-02');
  await meshJson(ws.root, '2026-06-03', 'access', 'deny', 'analytics/users', '--reason', 'ask for country only', '--by', 'Ada Accounts');
  commit('deny', ADA, '2026-06-03');
  await meshJson(ws.root, '2026-06-04', 'access', 'approve', 'analytics/users', '--until', '2026-12-31', '--by', 'Ada Accounts');
  commit('approve', ADA, '2026-06-04');
  await meshJson(ws.root, '2026-06-05', 'access', 'revoke', 'analytics/users', '--reason', 'project ended', '--by', 'Ada Accounts');
  commit('revoke', ADA, '2026-06-05');
}, 120_000);
afterAll(() => ws.cleanup());

describe('mesh access log', () => {
  it('lists who requested, denied, approved and revoked, when and in which commit', async () => {
    const log = await meshJson(ws.root, '2026-06-06', 'access', 'log', 'users');
    expect(log.git).toBe(true);
    const events = (log.events as Record<string, string>[]).map((e) => ({
      action: e.action,
      consumer: e.consumer,
      author: e.author,
      email: e.email,
      day: e.date?.slice(0, 10),
      commit: e.commit,
      detail: e.detail,
    }));
    expect(events).toEqual([
      {
        action: 'requested',
        consumer: 'recommendations',
        author: ADA.name,
        email: ADA.email,
        day: '2026-06-01',
        commit: commits['the example'],
        detail: expect.stringContaining('columns user_id, country'),
      },
      {
        action: 'approved',
        consumer: 'recommendations',
        author: ADA.name,
        email: ADA.email,
        day: '2026-06-01',
        commit: commits['the example'],
        detail: expect.any(String),
      },
      {
        action: 'requested',
        consumer: 'analytics',
        author: BOB.name,
        email: BOB.email,
        day: '2026-06-02',
        commit: commits['analytics requests users'],
        detail: 'columns user_id, country; purpose: churn',
      },
      {
        action: 'denied',
        consumer: 'analytics',
        author: ADA.name,
        email: ADA.email,
        day: '2026-06-03',
        commit: commits.deny,
        detail: 'ask for country only',
      },
      {
        action: 'approved',
        consumer: 'analytics',
        author: ADA.name,
        email: ADA.email,
        day: '2026-06-04',
        commit: commits.approve,
        detail: 'columns user_id, country; until 2026-12-31',
      },
      {
        action: 'revoked',
        consumer: 'analytics',
        author: ADA.name,
        email: ADA.email,
        day: '2026-06-05',
        commit: commits.revoke,
        detail: 'approval revoked: project ended',
      },
    ]);
  });

  it('prints one line per event for people', async () => {
    const { runInProcess } = await import('../cli/run-cli.js');
    const run = await runInProcess(['access', 'log', 'users', '-C', ws.root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `2026-06-02  ${commits['analytics requests users']?.slice(0, 7)}  requested analytics/users by Bob Analyst <bob@insights.example>`,
    );
    expect(run.stdout).toContain(
      `2026-06-05  ${commits.revoke?.slice(0, 7)}  revoked analytics/users by Ada Accounts <ada@accounts.example> (recorded: Ada Accounts) — approval revoked: project ended`,
    );
  });
});
