/**
 * `npm run demo` at a terminal (a pseudo-terminal from util-linux `script`, as a person runs it): when the demo is
 * done, `mesh dev` and its portal stay up and a trickle of listens keeps arriving, so the portal URL it prints answers
 * (search by a column finds songs, the lineage reaches the Personalize campaign, the live view counts new plays); Ctrl-C
 * then stops everything, leaving no process and no workspace. (Not at a terminal, the demo ends by itself:
 * demo.test.ts.)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/run-cli.js';
import { ensurePortalBuilt } from '../portal/portal-setup.js';
import { isAlive, processesOf, type WorkspaceProcess, waitFor } from './local-processes.js';

const DEMO = path.join(ROOT, 'scripts', 'demo.mjs');
const CTRL_C = '\u0003';

interface Live {
  topics: { topic: string; end: number }[];
  plays: { total: number } | null;
}

let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run demo at a terminal', () => {
  it('keeps the portal it prints up with plays arriving, until Ctrl-C stops everything', async () => {
    if (spawnSync('script', ['--version']).error) throw new Error('util-linux `script` is missing: sudo apt-get install -y util-linux');
    ensureBuilt();
    ensurePortalBuilt();
    // `exec`: script runs the command with $SHELL -c; a shell that stayed as the parent (dash does) would itself die of
    // the Ctrl-C and script would report 130 for it, whatever the demo returned.
    const run = spawn('script', ['-qefc', `exec ${process.execPath} ${DEMO}`, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', SHELL: '/bin/sh' },
    });
    child = run;
    let screen = '';
    let workspace: string | undefined;
    const seen = new Map<number, WorkspaceProcess>();
    const sample = () => {
      workspace ??= /\(workspace (\S+)\)/.exec(screen)?.[1];
      if (workspace) for (const p of processesOf(workspace)) seen.set(p.pid, p);
    };
    run.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      sample();
    });
    const sampler = setInterval(sample, 200);
    const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
    let portal = '';
    try {
      portal = await waitFor(
        'the demo to end and leave the portal up',
        () => {
          if (run.exitCode !== null) throw new Error(`the demo exited with ${run.exitCode}:\n${screen}`);
          return /The mesh keeps running\. Open the portal: (http:\/\/\S+)/.exec(screen)?.[1];
        },
        90_000,
      );
      expect(screen).toMatch(/done in \d+(\.\d+)?s/);
      expect(screen).toMatch(/podcasts in the top 10: \d+ before, \d+ after/);
      const api = async <T>(p: string): Promise<T> => {
        const res = await fetch(`${portal}/api/${p}`);
        expect(res.status, p).toBe(200);
        return (await res.json()) as T;
      };
      // What the newcomer does: a column finds songs; the lineage reaches the Personalize campaign.
      expect((await api<{ hits: { name: string }[] }>('search?q=artist')).hits.map((h) => h.name)).toEqual(['songs']);
      const lineage = await api<{ nodes: { kind: string }[] }>('lineage');
      expect(lineage.nodes.some((n) => n.kind === 'campaign')).toBe(true);
      // The trickle: new listens reach the topic, and the analytics domain counts them as plays.
      const first = await api<Live>('live');
      const events = (s: Live) => s.topics.find((t) => t.topic === 'mesh.interactions.listens.v1')?.end ?? 0;
      const plays = (s: Live) => s.plays?.total ?? 0;
      await expect.poll(async () => events(await api<Live>('live')), { timeout: 20_000 }).toBeGreaterThan(events(first));
      await expect.poll(async () => plays(await api<Live>('live')), { timeout: 30_000 }).toBeGreaterThan(plays(first));
      expect(screen).toMatch(/\d+ listens sent since the demo ended/);

      run.stdin.write(CTRL_C);
      expect(await exited, screen).toBe(0);
    } finally {
      clearInterval(sampler);
    }
    expect(screen).toContain('stopped mesh dev and removed the workspace');
    const ws = workspace as string;
    expect(ws).toMatch(/mesh-demo-/);
    const all = [...seen.values()];
    expect(all.some((p) => p.kind === 'cwd' && / dev --port 0/.test(p.cmdline))).toBe(true);
    expect(all.some((p) => p.kind === 'function')).toBe(true);
    expect(all.filter((p) => isAlive(p.pid) && processesOf(ws).some((q) => q.pid === p.pid))).toEqual([]);
    expect(processesOf(ws)).toEqual([]);
    expect(existsSync(ws)).toBe(false);
    // The portal went with mesh dev.
    await expect(fetch(`${portal}/api/info`)).rejects.toThrow();
  }, 180_000);
});
