// The built CLI as a shell runs it (issue 14, findings 2 and 10): output piped into `head -1` ends quietly with exit 0
// when the reader goes away; long steps show progress: plain lines in CI, a spinner on a terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, runChild } from './run-cli.js';

let ws = '';
const ok = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = runChild(args, ws, { CI: 'true', ...env });
  expect(r.code, `mesh ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
};

/** `mesh …` in bash with pipefail: the exit code is mesh's own, not head's. */
function piped(meshArgs: string, into: string) {
  const script = `set -o pipefail; "${process.execPath}" "${BIN}" ${meshArgs} | ${into}`;
  const r = spawnSync('bash', ['-c', script], { cwd: ws, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  ensureBuilt();
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-pipes-'));
  ok(['init', '--example', 'music-streaming', '--yes']);
  ok(['apply', '--yes']);
  // enough events that `events tail` writes far more than a pipe holds (a reader that leaves must be noticed)
  const sample = readFileSync(path.join(ws, 'domains/interactions/data/u0042-podcast-listens.jsonl'), 'utf8').trim().split('\n');
  const lines = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({ ...JSON.parse(sample[i % sample.length] ?? '{}'), event_id: `pipe-${i}` }),
  );
  writeFileSync(path.join(ws, 'many.jsonl'), `${lines.join('\n')}\n`);
  ok(['events', 'produce', 'interactions', '--file', 'many.jsonl']);
}, 180_000);

afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('a closed stdout', () => {
  it('`mesh --json plan | head -1` ends quietly with exit 0', () => {
    const r = piped('--json plan', 'head -1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{\n');
  });

  it('`mesh events tail … --json | head -1` ends quietly with exit 0', () => {
    const r = piped('events tail interactions --from-beginning -e --json', 'head -1');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ topic: 'mesh.interactions.listens.v1' });
  });
});

describe('progress of long steps', () => {
  // MESH_PROGRESS_AFTER_MS=0: every step shows at once, however fast this machine runs it
  const now = { MESH_PROGRESS_AFTER_MS: '0' };

  it('in CI: plain lines on stderr for transform, train and publish, results alone on stdout', () => {
    const transform = ok(['transform', 'items', '--domain', 'recommendations'], now);
    expect(transform.stderr).toContain('Running transform items (DuckDB)…\n');
    expect(transform.stderr).toMatch(/\n\d+ row\(s\) written \(\d+\.\d s\)\n/);
    expect(transform.stdout).not.toContain('Running');
    const train = ok(['personalize', 'train', '--domain', 'recommendations'], now);
    expect(train.stderr).toContain('Training the local recommender…\n');
    expect(train.stderr).toMatch(/\nTrained \(\d+\.\d s\)\n/);
    const publish = ok(['publish-product', '--yes'], now);
    expect(publish.stderr).toContain('Planning…\n');
    expect(publish.stderr).toMatch(/\nPlanned \(\d+\.\d s\)\n/);
  });

  it('on a terminal: a spinner, then a tick with the time taken', () => {
    // a terminal that knows its size (a pseudo-terminal without one gets plain lines: see the next test)
    const command = `stty cols 100 rows 40; MESH_PROGRESS_AFTER_MS=0 "${process.execPath}" "${BIN}" transform items --domain recommendations`;
    const r = spawnSync('script', ['-qefc', command, '/dev/null'], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm' },
      input: '',
      timeout: 120_000,
    });
    expect(r.status, r.stdout).toBe(0);
    // ora's first frame (a braille dot, or `-` where the terminal is not known to show unicode), redrawn in place
    expect(r.stdout).toMatch(/(^|[\r\n])[-⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Running transform items \(DuckDB\)…/);
    expect(r.stdout).toMatch(/✔ \d+ row\(s\) written \(\d+\.\d s\)/);
  });

  it('on a terminal without a size: plain lines, and the command ends (ora would redraw without end)', () => {
    const command = `stty cols 0 rows 0; MESH_PROGRESS_AFTER_MS=0 "${process.execPath}" "${BIN}" publish-product --yes`;
    const r = spawnSync('script', ['-qefc', command, '/dev/null'], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm' },
      input: '',
      timeout: 120_000,
    });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain('Planning…\r\n');
    expect(r.stdout).toMatch(/Planned \(\d+\.\d s\)/);
  });
});
