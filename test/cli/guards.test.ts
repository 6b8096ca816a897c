// Bad input changes nothing and reads as a user error: subscribe's domain-file edits are undone when the run fails
// or only previews; usage errors keep --json's one-document rule; OS errors are not reported as bugs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

let ws = '';
const mesh = (...args: string[]) => runInProcess([...args, '--cwd', ws]);
const analytics = () => readFileSync(path.join(ws, 'domains/analytics/domain.yaml'), 'utf8');

beforeAll(async () => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-guards-'));
  expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', ws])).code).toBe(0);
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('guards', () => {
  it('subscribe to a product that does not exist fails and leaves the domain file as it was', async () => {
    const before = analytics();
    const r = await mesh('subscribe', 'podcastz', '--domain', 'analytics', '--table', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/podcastz/);
    expect(analytics()).toBe(before);
    expect((await mesh('validate')).code).toBe(0);
  });

  it('subscribe --dry-run previews a new subscription and leaves the domain file as it was', async () => {
    expect((await mesh('publish-product', '--yes')).code).toBe(0);
    const before = analytics();
    const r = await mesh('subscribe', 'songs', '--domain', 'analytics', '--table', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { dryRun: boolean; plan: { changes: { action: string }[] } };
    expect(doc.dryRun).toBe(true);
    expect(doc.plan.changes.some((c) => c.action === 'grant')).toBe(true);
    expect(analytics()).toBe(before);
  });

  it('a dry run prints its plan on stdout', async () => {
    const r = await mesh('subscribe', 'songs', '--domain', 'analytics', '--table', '--dry-run');
    expect(r.stdout).toContain('grant');
    expect(r.stdout).toContain('Dry run: nothing was changed.');
  });

  it('mesh apply applies every declared subscription; the plan is then empty', async () => {
    const r = await mesh('apply', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect((await mesh('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('--concurrency must be a whole number from 1 to 64', async () => {
    for (const bad of ['abc', '0', '-3', '1.5']) {
      const r = await mesh('publish-product', '--concurrency', bad, '--yes');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--concurrency');
    }
  });

  it('events produce --dry-run validates and sends nothing', async () => {
    const file = path.join(ws, 'domains/interactions/data/u0042-podcast-listens.jsonl');
    const r = await mesh('events', 'produce', 'interactions', '--file', file, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, sent: 0, valid: 6 });
    const tail = await mesh('events', 'tail', 'interactions', '--from-beginning', '-e', '--json');
    expect(tail.stdout.trim()).toBe('');
  });

  it('a missing file is the user’s error (exit 2, FileNotFound), not a bug', async () => {
    const r = await mesh('events', 'produce', 'interactions', '--file', 'nope.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[FileNotFound]');
    expect(r.stderr).not.toContain('bug');
  });

  it('a usage error with --json still prints one JSON document, the error', async () => {
    const r = await mesh('catalog', '--bogus', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'UsageError' } });
  });
});

describe('personalize dry runs', () => {
  it('train --dry-run builds and checks the datasets only; deploy --dry-run evaluates the gate and writes nothing', async () => {
    const train = await mesh('personalize', 'train', '--domain', 'recommendations', '--dry-run', '--json');
    expect(train.code, train.stderr).toBe(0);
    const t = JSON.parse(train.stdout) as { dryRun: boolean; solutions: unknown[]; datasets: { type: string; rows: number }[] };
    expect(t).toMatchObject({ dryRun: true, solutions: [] });
    expect(t.datasets.map((d) => d.type).sort()).toEqual(['interactions', 'items', 'users']);
    expect((await mesh('personalize', 'deploy', '--domain', 'recommendations', '--dry-run')).code).toBe(1); // nothing trained yet

    expect((await mesh('personalize', 'train', '--domain', 'recommendations')).code).toBe(0);
    const outputs = path.join(ws, '.mesh/local/personalize/recommendations/outputs.json');
    const deploy = await mesh('personalize', 'deploy', '--domain', 'recommendations', '--dry-run', '--json');
    expect(deploy.code, deploy.stderr).toBe(0);
    const d = JSON.parse(deploy.stdout) as { dryRun: boolean; deployments: { action: string }[]; outputs?: unknown };
    expect(d.dryRun).toBe(true);
    expect(d.outputs).toBeUndefined();
    expect(d.deployments.every((x) => x.action === 'create')).toBe(true);
    expect(existsSync(outputs)).toBe(false);
    const recommend = await mesh('personalize', 'recommend', '--user', 'u0042', '--domain', 'recommendations');
    expect(recommend.code).not.toBe(0); // no campaign was created
  }, 60_000);
});
