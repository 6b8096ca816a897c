// The bundle reads yaml's debug variables (LOG_TOKENS, LOG_STREAM) once, when yaml loads, instead of once per token
// (scripts/build-cli.mjs, yamlDebugFlagsOnce): set before mesh starts, they still print yaml's debug output; unset,
// nothing. Checked on the built CLI, which is what the patch changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runChild } from './run-cli.js';

let ws = '';
beforeAll(() => {
  ensureBuilt();
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-yaml-debug-'));
  writeFileSync(path.join(ws, 'mesh.yaml'), 'name: music\ntarget: local\ndomains: []\n');
}, 120_000);
afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe("yaml's debug variables in the bundle", () => {
  it('LOG_TOKENS prints each token of the files mesh parses', () => {
    const r = runChild(['validate'], ws, { LOG_TOKENS: '1' });
    expect(r.stdout).toContain('| "name"');
    expect(r.stdout).toContain('| "music"');
  });

  it('unset, validate prints its own output only', () => {
    const r = runChild(['validate'], ws, { LOG_TOKENS: undefined, LOG_STREAM: undefined });
    expect(r.stdout).not.toContain('| "name"');
  });
});
