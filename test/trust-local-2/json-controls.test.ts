/**
 * `--json` documents carry text from other teams' files (descriptions, purposes, owners) and from event payloads.
 * JSON.stringify escapes C0 but leaves DEL, C1 (U+0080–U+009F: `\u009b` is an 8-bit CSI a terminal obeys) and the
 * bidi controls raw, so a product file drove the terminal of whoever printed `mesh describe --json`. Every JSON text
 * mesh prints has them as `\uXXXX` escapes: the same value for a JSON reader, inert in a terminal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutput } from '../../src/io/output.js';
import { captureStream, runMesh } from '../support/cli-harness.js';

const C1_CSI = '\u009b2J'; // an 8-bit CSI: clear the screen
const C1_OSC = '\u009d52;c;cm0gLXJmIH4K\u009c'; // an 8-bit OSC 52: clipboard := "rm -rf ~"
const BIDI = '\u202eevil\u202c\u2066isolate\u2069'; // a right-to-left override, an isolate
const DEL = '\u007f';
const PLANTED = `The song catalog.${C1_CSI}${C1_OSC}${BIDI}${DEL} Safe to use.`;

/** Every character a terminal would obey that JSON.stringify leaves raw. */
function rawControls(text: string): string[] {
  return [...text.matchAll(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g)].map((m) => m[0]);
}

let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-trust-json-'));
  const init = await runMesh(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  const file = path.join(root, 'domains', 'songs', 'products', 'songs.odcs.yaml');
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(/^ {2}purpose: .*$/m, `  purpose: ${JSON.stringify(PLANTED)}`);
  expect(changed).not.toBe(text);
  writeFileSync(file, changed);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('--json output and terminal control characters', () => {
  it('mesh describe --json escapes C1 and bidi controls from a product file; the parsed value is unchanged', async () => {
    const run = await runMesh(['describe', 'songs', '-C', root, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(rawControls(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('\\u009b2J');
    expect(run.stdout).toContain('\\u202eevil');
    // A JSON reader gets the file's text exactly.
    expect(JSON.stringify(JSON.parse(run.stdout))).toContain(JSON.stringify(PLANTED).slice(1, -1));
  });

  it('the error document of --json escapes them too', async () => {
    const name = `songs${C1_CSI}${BIDI}`;
    const run = await runMesh(['describe', name, '-C', root, '--json']);
    expect(run.code).not.toBe(0);
    const doc = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBeTruthy();
    expect(doc.error.message).toContain(name);
    expect(rawControls(run.stdout)).toEqual([]);
  });

  it('an NDJSON line (events tail --json) is escaped the same way', () => {
    const stdout = captureStream();
    const out = createOutput({ json: true, stdout: stdout.stream, stderr: captureStream().stream });
    const event = { value: { title: PLANTED } };
    out.line(JSON.stringify(event));
    expect(rawControls(stdout.text())).toEqual([]);
    expect(JSON.parse(stdout.text())).toEqual(event);
  });
});
