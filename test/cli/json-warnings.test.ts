// --json is built from the same messages a person reads: a warning during the run (here: a lock left by a process
// that is gone, taken over) is on stderr as a line, and in the one JSON document under `warnings`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMesh } from '../support/cli-harness.js';

let dir = '';
let root = '';
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-json-warnings-'));
  root = path.join(dir, 'ws');
  const init = await runMesh(['init', '--example', 'music-streaming', '--yes', '--dir', root]);
  expect(init.code, init.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--json and warnings', () => {
  it('a warning of the run is in the document under `warnings`, with its code, its line and its data', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(gone.stdout.trim());
    const stale = { id: 'stale-run', user: 'alice', host: os.hostname(), pid, command: 'mesh apply', target: 'local', mesh: 'music' };
    mkdirSync(path.join(root, '.mesh', 'state'), { recursive: true });
    writeFileSync(path.join(root, '.mesh', 'state', 'local.lock'), JSON.stringify({ ...stale, started: '2025-01-01T12:01:03.000Z' }));

    const run = await runMesh(['publish-product', '--json', '--yes', '-C', root]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { applied: boolean; warnings: { code: string; message: string; data: unknown }[] };
    expect(doc.applied).toBe(true);
    expect(doc.warnings).toEqual([
      {
        code: 'lock.taken-over',
        message: expect.stringMatching(
          /^took over the lock left by alice@.+ pid \d+ `mesh apply` since .+ \(lock stale-run\): that process/,
        ),
        data: { id: 'stale-run', holder: expect.stringContaining(`pid ${pid}`) },
      },
    ]);
    expect(run.stderr).toContain('warning: took over the lock left by alice@');
  });

  it('a run without warnings has no `warnings` key (the document is as before)', async () => {
    const run = await runMesh(['validate', '--json', '-C', root]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).not.toHaveProperty('warnings');
  });
});
