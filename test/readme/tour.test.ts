// The README's tour, as written: its commands are read from README.md (the first bash block under "## A tour") and
// run in order by bash in an empty folder, so the README cannot drift from the program. `npx mesh` is this
// checkout's build (as `npx mesh` in a team repository runs the installed package's bin); `mesh dev` runs in the
// background until the tour ends, as a reader would leave it running in another terminal.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, ROOT } from '../cli/run-cli.js';

/** The tour's command lines, in order (comments kept: bash drops them). */
function tourCommands(readme: string): string[] {
  const section = readme.split(/^## A tour$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('npx mesh '));
}

const commands = tourCommands(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
// `npx mesh …` runs this checkout's mesh; anything else npx would do is refused (the tour only needs mesh)
const prelude = `npx() { if [ "$1" = mesh ]; then shift; "${process.execPath}" "${BIN}" "$@"; else echo "npx $1: not in the tour" >&2; return 1; fi; }`;
const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
let ws = '';
let dev: ChildProcess | undefined;

beforeAll(() => {
  ensureBuilt();
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-tour-'));
});

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev?.once('exit', resolve));
    dev.kill('SIGINT');
    const stuck = setTimeout(() => dev?.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(stuck);
  }
  rmSync(ws, { recursive: true, force: true });
});

/** Starts `mesh dev` (on a free port) and resolves once it says where its API listens. */
function startDev(line: string): Promise<string> {
  // exec: the signal that ends the tour reaches mesh dev itself, not the shell around it
  const withPort = line.replace(/^npx mesh dev\b/, `exec "${process.execPath}" "${BIN}" dev --port 0`);
  dev = spawn('bash', ['-c', `${prelude}\n${withPort}`], { cwd: ws, env, detached: false });
  let log = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      log += chunk.toString();
      const url = /mesh dev on (http:\/\/\S+)/.exec(log)?.[1];
      if (url) resolve(url);
    };
    dev?.stdout?.on('data', seen);
    dev?.stderr?.on('data', seen);
    dev?.once('exit', (code) => reject(new Error(`mesh dev exited with ${code}:\n${log}`)));
  });
}

describe('the README tour', () => {
  it('has the commands a newcomer runs, starting with init', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands[0]).toMatch(/^npx mesh init --example music-streaming --yes/);
    // every file the tour names is one the example has (checked when its command runs below)
    expect(commands.some((c) => c.includes('--file domains/interactions/data/u0042-podcast-listens.jsonl'))).toBe(true);
  });

  it('runs in order in an empty folder, every command succeeding', async () => {
    const outputs: { line: string; stdout: string }[] = [];
    for (const line of commands) {
      if (/^npx mesh dev\b/.test(line)) {
        expect(await startDev(line)).toMatch(/^http:/);
        continue;
      }
      const r = spawnSync('bash', ['-c', `${prelude}\n${line}`], { cwd: ws, env, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `${line}\n${r.stdout}\n${r.stderr}`).toBe(0);
      outputs.push({ line, stdout: r.stdout });
    }
    const out = (prefix: string) => outputs.find((o) => o.line.startsWith(prefix))?.stdout ?? '';
    expect(out('npx mesh catalog')).toMatch(/^songs\s+songs\s+catalog-team/m);
    expect(out('npx mesh query')).toMatch(/genre/);
    expect(out('npx mesh events tail').trim().split('\n')).toHaveLength(5);
    const recommended = out('npx mesh personalize recommend').trim().split('\n');
    expect(recommended.length).toBeGreaterThanOrEqual(10);
  }, 900_000);
});
