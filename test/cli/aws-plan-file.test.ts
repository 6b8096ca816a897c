// `mesh plan --out` / `mesh apply <file>` on the aws target (moto, the example's six accounts and an MSK cluster), in
// process through the real program: a plan made stale by another run, edited by hand, or made for another target is
// refused with StalePlan and nothing is applied; a fresh plan applies exactly as saved.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, tables } from '../catalog/moto-accounts.js';
import { contract } from '../e2e/aws-example-files.js';
import { bucketOf, createBucket, createMskCluster, freshExampleAccounts, PRODUCERS, rewriteExample } from '../e2e/aws-example-setup.js';
import { type CliRun, runInProcess } from './run-cli.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshExampleAccounts();
let root = '';

const run = (...args: string[]): Promise<CliRun> => runInProcess([...args, '-C', root]);

interface SavedDoc {
  target: string;
  changes: { key: string; type: string; action: string; ref: Record<string, unknown>; after?: Record<string, unknown> }[];
}

async function savePlan(name: string): Promise<{ file: string; saved: SavedDoc }> {
  const file = path.join(root, name);
  const r = await run('plan', '--out', file, '--json');
  expect(r.code, r.stderr).toBe(0);
  return { file, saved: JSON.parse(readFileSync(file, 'utf8')) as SavedDoc };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-plan-file-aws-'));
  expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', root])).code).toBe(0);
  const cluster = await createMskCluster(accounts.central, '3.5.1');
  rewriteExample(root, { accounts, clusterArn: cluster.arn, topicPrefix: `pf${randomBytes(4).toString('hex')}` });
  // moto has no Personalize: this workspace leaves recommendations without its recommender (the e2e test fakes one)
  const recommendations = path.join(root, 'domains', 'recommendations', 'domain.yaml');
  writeFileSync(recommendations, readFileSync(recommendations, 'utf8').replace(/^personalize: .*$/m, ''));
  for (const product of PRODUCERS) await createBucket(accounts[product], bucketOf(contract(root, product).location));
  const bootstrap = await run('bootstrap', '--yes', '--json');
  expect(bootstrap.code, bootstrap.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a saved plan on aws', () => {
  it('is refused, nothing applied, when another run published a product since', async () => {
    const { file, saved } = await savePlan('stale.json');
    expect(saved.target).toBe('aws');
    expect(saved.changes.filter((c) => c.type === 'glue-table' && c.action === 'create')).toHaveLength(PRODUCERS.length);
    // what applying a function needs is in its change: the owner domain (whose role), the bundle hash, the role ARN
    const fn = saved.changes.find((c) => c.type === 'function');
    expect(fn).toMatchObject({
      ref: { domain: expect.stringMatching(/^(recommendations|analytics)$/), account: expect.any(String) },
      after: { codeSha256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/), roleArn: expect.stringContaining(':role/') },
    });

    const publish = await run('publish-product', 'songs', '--yes');
    expect(publish.code, publish.stderr).toBe(0);
    const before = await databases(accounts.central);

    const r = await run('apply', file, '--yes', '--json');
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; details: { differences: { key: string; why: string }[] } } };
    expect(error.code).toBe('StalePlan');
    expect(error.details.differences).toContainEqual({ key: `glue-table:${accounts.central}/music_songs/songs`, why: 'observed-changed' });
    expect(await databases(accounts.central)).toEqual(before);
    expect(before).toEqual(['music_songs']);
  }, 120_000);

  it('is refused when edited by hand, or applied to another target', async () => {
    const { file, saved } = await savePlan('edited.json');
    const table = saved.changes.find((c) => c.type === 'glue-table' && c.action === 'create');
    if (!table?.after) throw new Error('the plan has no table to create');
    table.after.location = 's3://someone-elses-bucket/data/';
    writeFileSync(file, JSON.stringify(saved));
    const edited = await run('apply', file, '--yes');
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain(`${table.key} (planned differently now`);

    const fresh = await savePlan('fresh.json');
    const local = await run('apply', fresh.file, '--target', 'local', '--yes');
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('The plan was made for the aws target, not local');
    expect(await databases(accounts.central)).toEqual(['music_songs']);
  }, 120_000);

  it('applies exactly the saved plan, and the next plan has nothing to do', async () => {
    const { file, saved } = await savePlan('reviewed.json');
    const r = await run('apply', file, '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { applied: boolean; plan: { changes: { key: string; action: string }[] } };
    expect(doc.applied).toBe(true);
    expect(doc.plan.changes.map((c) => [c.key, c.action])).toEqual(saved.changes.map((c) => [c.key, c.action]));
    expect((await tables(accounts.central, 'music_users')).map((t) => t.Name)).toEqual(['users']);
    const after = await run('plan', '--detailed-exitcode');
    expect(after.code, after.stdout).toBe(0);
  }, 300_000);
});
