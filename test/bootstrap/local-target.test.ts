// The local target: `mesh bootstrap` has nothing to set up and says so; `mesh destroy` removes the workspace's local
// state (catalog, log, registry) and keeps the object store's data unless --delete-data.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mesh, type PlanDoc } from '../e2e/aws-example-cli.js';

let root = '';
const local = () => path.join(root, '.mesh', 'local');

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-local-destroy-'));
  await mesh(root, 'init', '--example', 'music-streaming');
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bootstrap and destroy on the local target', () => {
  it('bootstrap: a plan of one no-op that says the local target needs nothing', async () => {
    const { applied, plan } = (await mesh(root, 'bootstrap')).doc as PlanDoc;
    expect(applied).toBe(false);
    expect(plan.changes).toEqual([
      expect.objectContaining({ action: 'noop', type: 'local-target', reason: expect.stringContaining('nothing') }),
    ]);
  });

  it('destroy before anything was published: NothingToDestroy', async () => {
    const error = await mesh(root, 'destroy').then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    expect(error?.code).toBe('NothingToDestroy');
  });

  it('destroy removes the local state and keeps the data; --delete-data removes the data too', async () => {
    expect(((await mesh(root, 'publish-product')).doc as PlanDoc).applied).toBe(true);
    const before = readdirSync(local()).sort();
    expect(before).toContain('s3');
    const dry = ((await mesh(root, 'destroy', '--dry-run')).doc as PlanDoc).plan.changes.map((c) => `${c.action} ${c.id}`);
    expect(dry).toEqual(before.filter((n) => n !== 's3').map((n) => `delete ${n}`));
    expect(readdirSync(local()).sort()).toEqual(before);

    expect(((await mesh(root, 'destroy')).doc as PlanDoc).applied).toBe(true);
    expect(readdirSync(local())).toEqual(['s3']);
    expect(((await mesh(root, 'destroy', '--delete-data')).doc as PlanDoc).applied).toBe(true);
    expect(existsSync(path.join(local(), 's3'))).toBe(false);
  });
});
