/**
 * The README's first command (`npm run demo` = build + scripts/demo.mjs), as a user runs it: a child process that
 * must exit 0 within a minute, show u0042 with more podcasts after their listens than before, and leave nothing
 * running. While it runs, the processes of its workspace (`mesh dev` and the function processes) are sampled from
 * /proc, so "nothing left" is checked against processes that were really seen.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/run-cli.js';
import { isAlive, processesOf, type WorkspaceProcess } from './local-processes.js';

const DEMO = path.join(ROOT, 'scripts', 'demo.mjs');
const LIMIT_MS = 60_000;

interface DemoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly workspace: string | undefined;
  /** Every process of the demo's workspace seen while it ran, by pid. */
  readonly seen: Map<number, WorkspaceProcess>;
}

function runDemo(): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [DEMO], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let workspace: string | undefined;
    const seen = new Map<number, WorkspaceProcess>();
    const sample = () => {
      workspace ??= /\(workspace (\S+)\)/.exec(stdout)?.[1];
      if (workspace) for (const p of processesOf(workspace)) seen.set(p.pid, p);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      sample();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // Sampling, not waiting: the demo's own output drives the test; this only watches its processes meanwhile.
    const sampler = setInterval(sample, 100);
    const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS + 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, workspace, seen });
    });
  });
}

describe('npm run demo', () => {
  it('shows u0042 with more podcasts after their listens, in under a minute, and leaves no process running', async () => {
    ensureBuilt();
    const run = await runDemo();
    const report = `exit ${run.code} after ${run.ms.toFixed(0)} ms\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, report).toBe(0);
    expect(run.ms, report).toBeLessThan(LIMIT_MS);
    expect(run.stdout).toMatch(/done in \d+(\.\d+)?s/);

    const counts = /podcasts in the top 10: (\d+) before, (\d+) after/.exec(run.stdout);
    expect(counts, report).not.toBeNull();
    const [before, after] = [Number(counts?.[1]), Number(counts?.[2])];
    expect(after).toBeGreaterThan(before);
    // The table lists u0042's ten recommendations, before and after, with their content types.
    const rows = run.stdout.split('\n').filter((l) => /^\s*\d+ [sp]\d{4} (song|podcast)/.test(l));
    expect(rows).toHaveLength(10);
    const afterColumn = rows.map((l) => l.slice(25));
    expect(afterColumn.filter((c) => /podcast/.test(c))).toHaveLength(after);
    // The analytics domain counted the burst.
    expect(run.stdout).toMatch(/analytics: [1-9]\d* plays in the last 5 minutes \(\d+ songs, [1-9]\d* podcasts\)/);

    // Nothing left: `mesh dev` and its function processes were seen running, and are all gone; the folder too.
    const workspace = run.workspace as string;
    expect(workspace).toMatch(/mesh-demo-/);
    const seen = [...run.seen.values()];
    expect(
      seen.some((p) => p.kind === 'cwd' && / dev --port 0/.test(p.cmdline)),
      report,
    ).toBe(true);
    expect(seen.some((p) => p.kind === 'function')).toBe(true);
    expect(seen.filter((p) => isAlive(p.pid) && processesOf(workspace).some((q) => q.pid === p.pid))).toEqual([]);
    expect(processesOf(workspace)).toEqual([]);
    expect(existsSync(workspace)).toBe(false);
    console.log(`demo: ${(run.ms / 1000).toFixed(1)} s, podcasts ${before} → ${after}, ${seen.length} workspace processes seen and gone`);
  }, 120_000);
});
