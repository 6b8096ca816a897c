/**
 * Text from product files reaches the user's terminal: descriptions, owners, column notes (`mesh describe`,
 * `mesh catalog`). A contract that holds terminal control sequences must not drive the terminal of whoever reads it:
 * OSC 52 writes the clipboard (a pasted command of the author's choosing), cursor movement and line erasure rewrite
 * what the user sees above, `ESC[8m` hides everything printed after it, a bidi override reorders text. They are
 * shown as visible escapes instead; mesh's own colours stay.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { runMesh } from '../support/cli-harness.js';

const OSC52 = '\u001b]52;c;cm0gLXJmIH4K\u0007'; // clipboard := "rm -rf ~"
const ERASE = '\u001b[2A\u001b[2K'; // two lines up, erase the line
const HIDE = '\u001b[8m'; // conceal what follows
const BIDI = '\u202e'; // right-to-left override
const C1_CSI = '\u009b2J'; // an 8-bit CSI: clear the screen

let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-trust-term-'));
  const init = await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  const file = path.join(root, 'domains', 'songs', 'products', 'songs.odcs.yaml');
  const text = readFileSync(file, 'utf8');
  const purpose = JSON.stringify(`The song catalog.${OSC52}${ERASE}${HIDE}${BIDI}${C1_CSI} Safe to use.`);
  const changed = text.replace(/^ {2}purpose: .*$/m, `  purpose: ${purpose}`);
  expect(changed).not.toBe(text);
  writeFileSync(file, changed);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Every escape or control character in the text, except newlines and tabs. */
function controls(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for
  return [...text.matchAll(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g)].map((m) => m[0]);
}

describe('control sequences in a product file, printed to a terminal', () => {
  for (const [what, options] of [
    ['a terminal with colour', { isTTY: true, env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } }],
    ['plain output', { isTTY: false }],
  ] as const) {
    it(`mesh describe shows them as visible text, never raw: ${what}`, async () => {
      const run = await runMesh(['describe', 'songs', '-C', root], options);
      expect(run.code, run.stderr).toBe(0);
      const out = run.stdout + run.stderr;
      expect(out).toContain('The song catalog.');
      expect(out).toContain('Safe to use.');
      // Raw, none of them; only mesh's own colours (SGR 1/2/22 and 31-36/39), and those only with colour on.
      const raw = controls(out);
      const allowed = [
        '\u001b[1m',
        '\u001b[2m',
        '\u001b[22m',
        '\u001b[31m',
        '\u001b[32m',
        '\u001b[33m',
        '\u001b[35m',
        '\u001b[36m',
        '\u001b[39m',
      ];
      expect(raw.filter((c) => !allowed.includes(c))).toEqual([]);
      if (!options.isTTY) expect(raw).toEqual([]);
      // Shown, so the reader sees that the file holds them.
      expect(out).toContain('\\u001b]52;c;cm0gLXJmIH4K\\u0007');
      expect(out).toContain('\\u001b[8m');
      expect(out).toContain('\\u202e');
      expect(out).toContain('\\u009b2J');
    });
  }
});
