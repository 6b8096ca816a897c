// The toolkit owns the domain-file edits: a subscribe declares the subscription, plans and applies against the
// edited files, and puts the file back byte for byte when the run fails or is a dry run; access requests are
// written only when they validate. On the local target, in a fresh copy of the example.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IoMessage } from '../../src/core/messages.js';
import { approvingHost, createToolkit, type Toolkit } from '../../src/toolkit/index.js';

let root = '';
let mesh: Toolkit;
const messages: IoMessage[] = [];
const analytics = () => readFileSync(path.join(root, 'domains', 'analytics', 'domain.yaml'), 'utf8');

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-toolkit-edits-'));
  mesh = createToolkit({ cwd: root, target: 'local', host: { notify: (m) => messages.push(m), request: async (r) => r.defaultAnswer } });
  await mesh.init({ example: 'music-streaming' });
  await mesh.publishProduct();
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('domain-file edits with rollback', () => {
  it('a subscribe whose run fails leaves the domain file exactly as it was, and nothing granted', async () => {
    const before = analytics();
    // users needs its producer's approval: the edited workspace does not validate, so nothing may stay behind.
    await expect(mesh.subscribe({ product: 'users', domain: 'analytics', table: true })).rejects.toMatchObject({ code: 'ConfigInvalid' });
    expect(analytics()).toBe(before);
    const { plan } = await mesh.plan();
    expect(plan.changes.filter((c) => c.key.includes('domain:analytics') && c.key.includes('users'))).toEqual([]);
  });

  it('a dry-run subscribe returns its plan and leaves the file as it was', async () => {
    const before = analytics();
    const dry = await mesh.subscribe({ product: 'songs', domain: 'analytics', table: true }, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, applied: false, recorded: false, domain: 'analytics' });
    expect(dry.plan.changes.map((c) => `${c.action} ${c.key}`)).toContain(
      'grant lf-grant:@central/domain:analytics/table:music_songs.songs',
    );
    expect(analytics()).toBe(before);
  });

  it('subscribe then unsubscribe: the entry is added, then removed; the file ends as it began', async () => {
    const before = analytics();
    const added = await mesh.subscribe({ product: 'songs', domain: 'analytics', table: true });
    expect(added.recorded).toBe(true);
    expect(analytics()).toMatch(/- product: songs\n\s+table: true/);
    const withSongs = analytics();
    // Removals need the host's yes: this host answers every question with its default (no), so nothing changes.
    await expect(mesh.unsubscribe({ product: 'songs', domain: 'analytics', table: true })).rejects.toMatchObject({ code: 'Aborted' });
    expect(analytics()).toBe(withSongs);
    const approving = createToolkit({ cwd: root, target: 'local', host: approvingHost() });
    const removed = await approving.unsubscribe({ product: 'songs', domain: 'analytics', table: true });
    expect(removed).toMatchObject({ applied: true, recorded: true });
    expect(removed.result?.applied.map((c) => `${c.action} ${c.key}`)).toContain(
      'revoke lf-grant:@central/domain:analytics/table:music_songs.songs',
    );
    expect(analytics()).toBe(before);
  });

  it('access request: a dry run previews the edit; a request that does not validate writes nothing', async () => {
    const before = analytics();
    const preview = await mesh.access.request({ product: 'users', domain: 'analytics', purpose: 'churn reports', dryRun: true });
    expect(preview).toMatchObject({ written: false, status: 'pending', file: 'domains/analytics/domain.yaml' });
    expect(preview.preview).toContain('churn reports');
    await expect(mesh.access.request({ product: 'users', domain: 'analytics', purpose: 'x', until: '2001-01-01' })).rejects.toThrow();
    expect(analytics()).toBe(before);
  });
});
