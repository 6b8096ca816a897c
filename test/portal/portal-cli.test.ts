/**
 * `mesh portal` as a user runs it (child processes of the built CLI): it warns when --host is given, says read-only,
 * stops on Ctrl-C; bad flags and a non-empty --out folder are refused with exit 2 and nothing written.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, runChild } from '../cli/run-cli.js';
import { mesh } from '../e2e/local-example-setup.js';
import { waitFor } from '../e2e/local-processes.js';
import { ensurePortalBuilt } from './portal-setup.js';

let root: string;

beforeAll(async () => {
  ensureBuilt();
  ensurePortalBuilt();
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-portal-cli-'));
  await mesh(root, 'init', '--example', 'music-streaming');
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('mesh portal', () => {
  it('serves read-only on the address given, warns that another host is reachable, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'portal', '--port', '0', '--host', '0.0.0.0'], {
      cwd: root,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await waitFor('the portal URL', () => /mesh portal on (http:\/\/\S+)/.exec(out + err)?.[1], 30_000);
    expect(out + err).toContain('(read-only)');
    expect(err).toMatch(/listens on 0\.0\.0\.0: other machines can reach it/);
    const info = (await (await fetch(`${url}/api/info`)).json()) as Record<string, unknown>;
    expect(info.allowWrites).toBe(false);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
  });

  it('refuses bad flags and a folder holding other files, writing nothing', () => {
    expect(runChild(['portal', '--port', 'abc'], root).code).toBe(2);
    const out = path.join(root, 'not-empty');
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const run = runChild(['portal', 'build', '--out', out], root);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/OutputNotEmpty/);
    expect(readdirSync(out)).toEqual(['keep.txt']);
    const site = path.join(root, 'site');
    const ok = runChild(['portal', 'build', '--out', site, '--json'], root);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).products).toBe(4);
    expect(readdirSync(site).sort()).toEqual(['app.css', 'app.js', 'data.js', 'index.html']);
  });
});
