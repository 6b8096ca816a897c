// `mesh plan --detailed-exitcode`, `mesh status` and `mesh doctor` on the example, local target, run in-process
// through the real commander program (main), as a user would call them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runMesh } from '../support/cli-harness.js';

let ws = '';

function run(args: string[]): Promise<CliRun> {
  return runMesh([...args, '--cwd', ws]);
}

beforeAll(async () => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-plan-'));
  const init = await run(['init', '--example', 'music-streaming', '--yes']);
  expect(init.code, init.stderr).toBe(0);
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('plan, status and doctor on the local example', () => {
  it('plan --detailed-exitcode exits 3 while changes are pending and 0 once published', async () => {
    const before = await run(['plan', '--detailed-exitcode', '--json']);
    expect(before.code).toBe(3);
    const doc = JSON.parse(before.stdout) as { summary: { create: number }; changes: { action: string; type: string }[] };
    expect(doc.summary.create).toBeGreaterThan(0);
    expect(doc.changes.map((c) => c.type)).toEqual(expect.arrayContaining(['glue-table', 'topic', 'schema']));

    const status = await run(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).drift).toBeGreaterThan(0);

    const publish = await run(['publish-product', '--yes']);
    expect(publish.code, publish.stderr).toBe(0);
    const subscriptions = ['users', 'songs', 'podcasts', 'interactions'].map((p) => [
      'subscribe',
      p,
      '--domain',
      'recommendations',
      '--yes',
    ]);
    for (const args of [...subscriptions, ['subscribe', 'interactions', '--domain', 'analytics', '--yes']]) {
      const r = await run(args);
      expect(r.code, r.stderr).toBe(0);
    }

    const after = await run(['plan', '--detailed-exitcode']);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain('No changes');
    const inSync = JSON.parse((await run(['status', '--json'])).stdout) as { drift: number; resources: { state: string }[] };
    expect(inSync.drift).toBe(0);
    expect(inSync.resources.every((r) => r.state === 'in sync')).toBe(true);
  });

  it('subscribe to a port the domain file lacks adds it to the file; unsubscribe removes it; plan agrees', async () => {
    const domainFile = path.join(ws, 'domains', 'analytics', 'domain.yaml');
    const refused = await run(['subscribe', 'songs', '--domain', 'analytics', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('does not subscribe to "songs"');

    const added = await run(['subscribe', 'songs', '--domain', 'analytics', '--table', '--yes']);
    expect(added.code, added.stderr).toBe(0);
    expect(readFileSync(domainFile, 'utf8')).toMatch(/- product: songs\n\s+table: true/);
    expect((await run(['query', '--domain', 'analytics', 'select count(*) as n from songs', '--json'])).code).toBe(0);
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);

    const removed = await run(['unsubscribe', 'songs', '--domain', 'analytics', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(readFileSync(domainFile, 'utf8')).not.toContain('product: songs');
    const denied = await run(['query', '--domain', 'analytics', 'select count(*) from songs']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('[AccessDenied]');
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('doctor passes its local checks and says what it checked', async () => {
    const r = await run(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as { checks: { name: string; ok: boolean }[] }).checks.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['node', 'local state folder', 'embedded catalog (SQLite)', 'query engine (DuckDB)']));
  });

  it('a dry run of publish after a contract change shows the change and applies nothing', async () => {
    const r = await run(['publish-product', 'songs', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, applied: false });
  });
});
