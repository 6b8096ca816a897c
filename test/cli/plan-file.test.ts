// `mesh plan --out plan.json` and `mesh apply plan.json` on the local example, in-process through the real program:
// the saved plan applies as reviewed; a plan made stale by another run, edited by hand, or made for another target or
// workspace is refused with StalePlan (exit 2) and nothing is applied.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runMesh } from '../support/cli-harness.js';

let root = '';
let ws = '';

const run = (args: string[], cwd = ws): Promise<CliRun> => runMesh([...args, '--cwd', cwd]);

interface PlanDoc {
  summary: Record<string, number>;
  changes: { key: string; action: string; type: string }[];
}
interface SavedDoc {
  format: string;
  version: number;
  mesh: string;
  target: string;
  workspace: { name: string; fingerprint: string };
  scope: unknown;
  changes: { key: string; type: string; action: string; observed: string; after?: Record<string, unknown> }[];
}

async function pending(cwd = ws): Promise<PlanDoc> {
  const r = await run(['plan', '--json'], cwd);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PlanDoc;
}

async function savePlan(name: string, cwd = ws): Promise<string> {
  const file = path.join(root, name);
  const r = await run(['plan', '--out', file], cwd);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(`mesh apply ${file}`);
  return file;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-plan-file-'));
  ws = path.join(root, 'ws');
  mkdirSync(ws);
  const init = await run(['init', '--example', 'music-streaming', '--yes']);
  expect(init.code, init.stderr).toBe(0);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a saved plan on the local target', () => {
  it('is a versioned document naming the target, the workspace, the scope and what each change was planned from', async () => {
    const file = await savePlan('first.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedDoc;
    expect(saved).toMatchObject({ format: 'mesh-plan', version: 1, target: 'local', workspace: { name: 'music' } });
    expect(saved.mesh).toMatch(/^\d+\.\d+\.\d+/);
    expect(saved.scope).toEqual({ include: { publish: true, subscriptions: true } });
    const table = saved.changes.find((c) => c.type === 'glue-table');
    expect(table).toMatchObject({ action: 'create', after: { kind: 'glue-table' } });
    expect(table?.observed).toMatch(/^[0-9a-f]{64}$/);
    // the plan shown with --out is the plan saved
    expect(saved.changes.map((c) => c.key).sort()).toEqual((await pending()).changes.map((c) => c.key).sort());
  });

  it('is refused, nothing applied, when another run changed the target since', async () => {
    const file = await savePlan('stale.json');
    const publish = await run(['publish-product', 'songs', '--yes']);
    expect(publish.code, publish.stderr).toBe(0);
    const before = await pending();

    const r = await run(['apply', file, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[StalePlan] The saved plan is out of date:');
    expect(r.stderr).toContain('(changed on the target since the plan)');
    expect(r.stderr).toContain('Nothing was applied.');
    expect(r.stderr).toContain('hint: Re-run `mesh plan --out <file>`');
    expect(await pending()).toEqual(before);
    // every difference is in the error's details: the songs table now exists, so its create is no longer the plan
    const json = await run(['apply', file, '--yes', '--json']);
    expect(json.code).toBe(2);
    const { error } = JSON.parse(json.stdout) as { error: { code: string; details: { differences: { key: string; why: string }[] } } };
    expect(error.code).toBe('StalePlan');
    expect(error.details.differences).toContainEqual({ key: 'glue-table:@central/music_songs/songs', why: 'observed-changed' });
  });

  it('is refused when edited by hand, and when made for another target or another workspace', async () => {
    const file = await savePlan('edited.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedDoc;
    const table = saved.changes.find((c) => c.type === 'glue-table' && c.action === 'create');
    if (!table?.after) throw new Error('the plan has no table to create');
    table.after.description = 'edited after review';
    writeFileSync(file, JSON.stringify(saved));
    const before = await pending();
    const edited = await run(['apply', file, '--yes']);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toContain('[StalePlan]');
    expect(edited.stderr).toContain(`${table.key} (planned differently now`);

    const fresh = await savePlan('fresh.json');
    const otherTarget = await run(['apply', fresh, '--target', 'aws', '--yes']);
    expect(otherTarget.code).toBe(2);
    expect(otherTarget.stderr).toContain('The plan was made for the local target, not aws');

    const other = path.join(root, 'other');
    cpSync(ws, other, { recursive: true });
    const meshFile = path.join(other, 'mesh.yaml');
    // the same mesh name in other accounts: another mesh on the target
    writeFileSync(meshFile, readFileSync(meshFile, 'utf8').replace(/(centralCatalog:\n\s+account: )"111111111111"/, '$1"999999999999"'));
    const otherWorkspace = await run(['apply', fresh, '--yes'], other);
    expect(otherWorkspace.code).toBe(2);
    expect(otherWorkspace.stderr).toContain(
      'The plan was made for another workspace (mesh music), not this one (mesh music in 999999999999)',
    );
    expect(await pending()).toEqual(before);
  });

  it('is refused when the file is not a plan', async () => {
    const file = path.join(root, 'not-a-plan.json');
    writeFileSync(file, JSON.stringify({ format: 'mesh-plan', version: 99 }));
    const r = await run(['apply', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[InvalidPlanFile]');
    const missing = await run(['apply', path.join(root, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[FileNotFound]');
  });

  it('applies exactly the reviewed plan (a dry run first changes nothing), and the target is then in sync', async () => {
    const file = await savePlan('reviewed.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedDoc;
    const dry = await run(['apply', file, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, applied: false });

    const r = await run(['apply', file, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { applied: boolean; plan: PlanDoc };
    expect(doc.applied).toBe(true);
    expect(doc.plan.changes.map((c) => [c.key, c.action])).toEqual(saved.changes.map((c) => [c.key, c.action]));
    const after = await run(['plan', '--detailed-exitcode']);
    expect(after.code, after.stdout).toBe(0);

    // applied once: the same file is now stale (what it planned exists)
    const again = await run(['apply', file, '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[StalePlan]');
  });
});
