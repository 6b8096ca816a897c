import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/engine/state.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the state store: journal first, snapshot now and then', () => {
  it('a new store sees every recorded change, though the snapshot is not rewritten per change', () => {
    const dir = tempDir();
    const state = new StateStore(dir, 'local');
    for (let i = 0; i < 2_000; i++) state.record(`glue-table:t${i}`, 'create', { n: i });
    state.record('glue-table:t7', 'delete');
    const snapshot = JSON.parse(readFileSync(state.file, 'utf8')) as { resources: Record<string, unknown> };
    // Written at most every half second: a 2,000-change apply does not rewrite it 2,000 times.
    expect(Object.keys(snapshot.resources).length).toBeLessThan(2_000);
    const reread = new StateStore(dir, 'local');
    expect(reread.all()).toHaveLength(1_999);
    expect(reread.get('glue-table:t1999')?.attributes).toEqual({ n: 1999 });
    expect(reread.get('glue-table:t7')).toBeUndefined();
    expect(readFileSync(state.journal, 'utf8').trim().split('\n')).toHaveLength(2_001);
  });

  it('after a flush the snapshot alone is complete, and a torn last journal line (kill -9 mid-write) is ignored', () => {
    const dir = tempDir();
    const state = new StateStore(dir, 'aws');
    state.record('topic:a', 'create');
    state.record('topic:b', 'create');
    state.flush();
    const snapshot = JSON.parse(readFileSync(state.file, 'utf8')) as { resources: Record<string, unknown> };
    expect(Object.keys(snapshot.resources).sort()).toEqual(['topic:a', 'topic:b']);
    appendFileSync(state.journal, '{"key":"topic:c","action":"cre');
    const reread = new StateStore(dir, 'aws');
    expect(
      reread
        .all()
        .map((e) => e.key)
        .sort(),
    ).toEqual(['topic:a', 'topic:b']);
    // The torn line was ended: what is recorded next is read back.
    reread.record('topic:d', 'create');
    expect(new StateStore(dir, 'aws').get('topic:d')?.action).toBe('create');
  });
});
