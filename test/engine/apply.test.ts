import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import { applyPlan } from '../../src/engine/apply.js';
import type { Change, Plan } from '../../src/engine/plan.js';
import { summarize } from '../../src/engine/plan.js';
import { StateStore } from '../../src/engine/state.js';

// The apply engine reads keys, actions and dependencies only: made-up resource types, hence the cast.
const change = (key: string, dependsOn: string[] = [], extra: Partial<Change> = {}): Change =>
  ({
    type: key.split(':')[0] ?? 'x',
    key,
    action: 'create',
    ref: { plane: 'catalog', type: key.split(':')[0] ?? 'x', id: key.split(':')[1] ?? key },
    reason: 'does not exist',
    dependsOn,
    ...extra,
  }) as Change;
const planOf = (changes: Change[]): Plan => ({ changes, summary: summarize(changes) });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function state(): StateStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-state-'));
  dirs.push(dir);
  return new StateStore(dir, 'local');
}

describe('applyPlan', () => {
  it('runs dependents only after their dependencies, with bounded concurrency', async () => {
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    const plan = planOf([
      change('db:a'),
      change('t:1', ['db:a']),
      change('t:2', ['db:a']),
      change('t:3', ['db:a']),
      change('link:1', ['t:1']),
    ]);
    await applyPlan(
      plan,
      async (c) => {
        started.push(c.key);
        running++;
        peak = Math.max(peak, running);
        // One turn of the event loop: every change the engine starts in this turn is running at the same time.
        await new Promise((r) => setImmediate(r));
        running--;
        return { arn: `arn:${c.key}` };
      },
      { concurrency: 2 },
    );
    expect(started[0]).toBe('db:a');
    expect(started.indexOf('link:1')).toBeGreaterThan(started.indexOf('t:1'));
    expect(peak).toBe(2);
  });

  it('refuses guarded changes before doing anything', async () => {
    let calls = 0;
    const plan = planOf([change('t:1'), change('topic:x', [], { action: 'replace', requiresFlag: '--allow-replace' })]);
    await expect(
      applyPlan(plan, async () => {
        calls++;
        return undefined;
      }),
    ).rejects.toMatchObject({ code: 'ChangeNeedsFlag' });
    expect(calls).toBe(0);
    await applyPlan(plan, async () => undefined, { allowed: new Set(['--allow-replace']) });
  });

  it('records each finished change so an interrupted apply resumes', async () => {
    const store = state();
    const plan = planOf([change('a:1'), change('a:2', ['a:1']), change('a:3', ['a:2'])]);
    const error = await applyPlan(
      plan,
      async (c) => {
        if (c.key === 'a:2') throw new MeshError('AwsInternal', 'boom');
        return { id: c.key };
      },
      { state: store },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).hint).toMatch(/1 change\(s\) were applied.*2 remain.*Re-run/);
    expect(store.get('a:1')?.attributes).toEqual({ id: 'a:1' });
    expect(store.get('a:3')).toBeUndefined();
    const journal = readFileSync(store.journal, 'utf8').trim().split('\n');
    expect(journal).toHaveLength(1);
    // a re-read of the file gives the same ledger
    expect(new StateStore(path.dirname(store.file), 'local').get('a:1')?.action).toBe('create');
  });

  it('skips no-ops', async () => {
    const seen: string[] = [];
    await applyPlan(planOf([change('a:1', [], { action: 'noop' }), change('a:2', ['a:1'])]), async (c) => {
      seen.push(c.key);
      return undefined;
    });
    expect(seen).toEqual(['a:2']);
  });
});
