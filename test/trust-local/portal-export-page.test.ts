/**
 * `mesh portal build --out site` writes the static pages into the output folder and nowhere else. A workspace can
 * ship the output folder (a pull request can add `site/index.html` as a symbolic link to any file of the machine
 * that builds it, e.g. CI publishing the pages): the export must not write through such a link.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { ensurePortalBuilt } from '../portal/portal-setup.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const tempDir = tempDirsPerTest();

describe('mesh portal build and planted links', () => {
  for (const name of ['index.html', 'app.js', 'app.css', 'data.js']) {
    it(`does not write through ${name} when it is a link to a file elsewhere`, async () => {
      ensurePortalBuilt();
      const root = tempDir('mesh-trust-export-');
      const init = await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
      expect(init.code, init.stderr).toBe(0);
      const elsewhere = tempDir('mesh-trust-elsewhere-');
      const victim = path.join(elsewhere, 'authorized_keys');
      writeFileSync(victim, 'ssh-ed25519 AAAA user@laptop\n');
      mkdirSync(path.join(root, 'site'));
      symlinkSync(victim, path.join(root, 'site', name));

      const run = await runInProcess(['portal', 'build', '--out', path.join(root, 'site'), '-C', root]);
      expect(readFileSync(victim, 'utf8')).toBe('ssh-ed25519 AAAA user@laptop\n');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${name} is a symbolic link`);
      // Nothing of the export was written either.
      expect(lstatSync(path.join(root, 'site', name)).isSymbolicLink()).toBe(true);
      for (const other of ['index.html', 'app.js', 'app.css', 'data.js'].filter((f) => f !== name)) {
        expect([other, existsSync(path.join(root, 'site', other))]).toEqual([other, false]);
      }
    });
  }

  it('still overwrites a previous export of its own', async () => {
    ensurePortalBuilt();
    const root = tempDir('mesh-trust-export-');
    expect((await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes'])).code).toBe(0);
    const first = await runInProcess(['portal', 'build', '--out', path.join(root, 'site'), '-C', root]);
    expect(first.code, first.stderr).toBe(0);
    const again = await runInProcess(['portal', 'build', '--out', path.join(root, 'site'), '-C', root]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'site', 'data.js'), 'utf8')).toContain('window.__MESH_PORTAL__');
  });
});
