/**
 * A workspace can ship `.mesh`, `.mesh/state` or the local target's folder `.mesh/local` as a symbolic link (a pull
 * request can add one). A run must not write its lock, its state journal or catalog.db through it into the folder it
 * leads to (nor delete the lock file there on release): every command that opens the state folder refuses with
 * PathThroughLink, and the folder the link leads to stays as it was.
 */
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDev } from '../../src/dev/start-dev.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { runMesh } from '../support/cli-harness.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const tempDir = tempDirsPerTest();

/** The example workspace with `link` (relative to it) a symbolic link to an empty folder elsewhere. */
async function exampleWithLink(link: string): Promise<{ root: string; victim: string }> {
  const root = tempDir('mesh-trust-state-');
  const init = await runMesh(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  const victim = tempDir('mesh-trust-victim-');
  mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
  symlinkSync(victim, path.join(root, link));
  return { root, victim };
}

describe('the state folder through a symbolic link', () => {
  for (const link of ['.mesh', '.mesh/state', '.mesh/local']) {
    for (const command of [['plan'], ['apply', '--yes']]) {
      it(`mesh ${command[0]} with ${link} a link: PathThroughLink, nothing written where it leads`, async () => {
        const { root, victim } = await exampleWithLink(link);
        const run = await runMesh([...command, '-C', root]);
        expect(run.code, run.stdout).not.toBe(0);
        expect(run.stderr).toContain('[PathThroughLink]');
        expect(run.stderr).toContain(`${link} is a symbolic link`);
        expect(readdirSync(victim)).toEqual([]);
      });
    }
  }

  it('mesh unlock does not read or delete a lock file through a link', async () => {
    const { root, victim } = await exampleWithLink('.mesh/state');
    const run = await runMesh(['unlock', 'some-id', '-C', root, '--yes']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(readdirSync(victim)).toEqual([]);
  });

  it('mesh dev with the local target folder a link: PathThroughLink before any store is opened', async () => {
    const { root, victim } = await exampleWithLink('.mesh/local');
    const workspace = await loadWorkspace(root);
    await expect(startDev({ workspace, target: 'local', signal: new AbortController().signal, port: 0 })).rejects.toMatchObject({
      code: 'PathThroughLink',
    });
    expect(readdirSync(victim)).toEqual([]);
  });
});
