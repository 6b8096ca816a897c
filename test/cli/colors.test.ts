// Colour follows the user's terminal and settings, as chalk reads them: FORCE_COLOR (0 off, 1-3 levels), NO_COLOR,
// --no-color, no colour when not on a terminal or on a terminal that has none (TERM=dumb), and never with --json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/io/env.js';
import { loadStyles, makeStyles } from '../../src/io/style.js';
import { runMesh } from '../support/cli-harness.js';

const RED_ERROR = '\u001b[31merror\u001b[39m';
const ESC = '\u001b[';
let empty = '';

/** This process's environment without anything that decides colour. */
function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CI', 'TERM', 'COLORTERM', 'TERM_PROGRAM', 'WT_SESSION']) delete env[k];
  return { ...env, ...extra };
}

/** A command that fails inside its action (its context's Output renders the error). */
function failingRun(extra: NodeJS.ProcessEnv, options: { isTTY?: boolean; args?: string[] } = {}) {
  return runMesh(['validate', '-C', empty, ...(options.args ?? [])], { env: envWith(extra), isTTY: options.isTTY ?? false, columns: 100 });
}

beforeAll(() => {
  empty = mkdtempSync(path.join(os.tmpdir(), 'mesh-colors-'));
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('colour in what mesh prints', () => {
  it('none when not on a terminal; FORCE_COLOR=1 or 3 turns it on, FORCE_COLOR=0 off', async () => {
    const piped = await failingRun({});
    expect(piped.code).not.toBe(0);
    expect(piped.stderr).toMatch(/^error \[\w+\] /);
    expect(piped.stderr).not.toContain(ESC);
    expect((await failingRun({ FORCE_COLOR: '1' })).stderr).toContain(RED_ERROR);
    expect((await failingRun({ FORCE_COLOR: '3' })).stderr).toContain(RED_ERROR);
    const off = await failingRun({ FORCE_COLOR: '0', TERM: 'xterm-256color' }, { isTTY: true });
    expect(off.stderr).toMatch(/^error \[\w+\] /);
    expect(off.stderr).not.toContain(ESC);
  });

  it('on a terminal: colour at the level it announces, none on TERM=dumb, none with NO_COLOR or --no-color', async () => {
    expect((await failingRun({ TERM: 'xterm-256color' }, { isTTY: true })).stderr).toContain(RED_ERROR);
    expect((await failingRun({ TERM: 'dumb' }, { isTTY: true })).stderr).not.toContain(ESC);
    expect((await failingRun({ TERM: 'xterm', NO_COLOR: '1' }, { isTTY: true })).stderr).not.toContain(ESC);
    expect((await failingRun({ TERM: 'xterm', FORCE_COLOR: '1' }, { isTTY: true, args: ['--no-color'] })).stderr).not.toContain(ESC);
  });

  it('an error before any command runs (a usage error) follows the same rules', async () => {
    const env = envWith({ FORCE_COLOR: '1' });
    expect((await runMesh(['publsh-product'], { env })).stderr).toContain(RED_ERROR);
    expect((await runMesh(['publsh-product', '--no-color'], { env })).stderr).not.toContain(ESC);
  });

  it('--json: no escape codes anywhere, even with FORCE_COLOR', async () => {
    const run = await failingRun({ FORCE_COLOR: '3' }, { args: ['--json'] });
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: expect.any(String) } });
    expect(run.stdout + run.stderr).not.toContain(ESC);
  });
});

describe('colour levels', () => {
  const tty = { isTTY: { stdin: true, stdout: true, stderr: true } };
  const pipe = { isTTY: { stdin: false, stdout: false, stderr: false } };

  it('FORCE_COLOR sets the level chalk uses, whatever the terminal', () => {
    expect(colorLevel(true, { FORCE_COLOR: '0' }, tty)).toBe(0);
    expect(colorLevel(true, { FORCE_COLOR: '1' }, pipe)).toBe(1);
    expect(colorLevel(true, { FORCE_COLOR: '2' }, pipe)).toBe(2);
    expect(colorLevel(true, { FORCE_COLOR: '3' }, pipe)).toBe(3);
    expect(colorLevel(true, { FORCE_COLOR: '' }, pipe)).toBe(1);
    expect(colorLevel(true, { FORCE_COLOR: 'true' }, pipe)).toBe(1);
  });

  it('a terminal gets what it announces: 16 colours, 256, true colour, or none', () => {
    expect(colorLevel(true, { TERM: 'xterm' }, tty)).toBe(1);
    expect(colorLevel(true, { TERM: 'xterm-256color' }, tty)).toBe(2);
    expect(colorLevel(true, { TERM: 'xterm-256color', COLORTERM: 'truecolor' }, tty)).toBe(3);
    expect(colorLevel(true, { TERM: 'dumb' }, tty)).toBe(0);
    expect(colorLevel(true, { TERM: 'xterm-256color' }, pipe)).toBe(0);
  });

  it('NO_COLOR and --no-color win over everything', () => {
    expect(colorLevel(true, { NO_COLOR: '1', FORCE_COLOR: '3', TERM: 'xterm' }, tty)).toBe(0);
    expect(colorLevel(false, { FORCE_COLOR: '3' }, tty)).toBe(0);
    // an empty NO_COLOR is not set (no-color.org)
    expect(colorLevel(true, { NO_COLOR: '', TERM: 'xterm' }, tty)).toBe(1);
  });

  it('styles come from chalk at that level; level 0 is plain text', async () => {
    await loadStyles();
    expect(makeStyles(0).red('x')).toBe('x');
    expect(makeStyles(1).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(makeStyles(3).bold('x')).toBe('\u001b[1mx\u001b[22m');
  });
});
