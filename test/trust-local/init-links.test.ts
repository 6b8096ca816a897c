/**
 * `mesh init` writes new files into the workspace, and with --force overwrites its own. A workspace can hold
 * symbolic links where init writes (a pull request can add `.github/CODEOWNERS` as a link to any file of the machine,
 * or leave one dangling): init must not create or overwrite the file a link leads to. Its hint even says to rerun
 * `mesh init --ci github --github-org <org> --force`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const tempDir = tempDirsPerTest();

async function example(): Promise<string> {
  const root = tempDir('mesh-trust-init-');
  const init = await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  return root;
}

describe('mesh init --ci github and planted links', () => {
  it('does not create the file a dangling link leads to', async () => {
    const root = await example();
    const elsewhere = tempDir('mesh-trust-elsewhere-');
    mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
    symlinkSync(path.join(elsewhere, 'run-me.sh'), path.join(root, '.github', 'workflows', 'mesh.yml'));

    const run = await runInProcess(['init', '--ci', 'github', '-C', root]);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(run.stderr).toContain(path.join('.github', 'workflows', 'mesh.yml'));
    // Nothing of the plan was written.
    expect(existsSync(path.join(root, '.github', 'CODEOWNERS'))).toBe(false);
  });

  it('does not overwrite the file a link leads to, with --force either', async () => {
    const root = await example();
    const elsewhere = tempDir('mesh-trust-elsewhere-');
    const victim = path.join(elsewhere, '.bashrc');
    writeFileSync(victim, 'export PATH=$HOME/bin:$PATH\n');
    mkdirSync(path.join(root, '.github'), { recursive: true });
    symlinkSync(victim, path.join(root, '.github', 'CODEOWNERS'));

    for (const flags of [[], ['--github-org', 'acme', '--force']]) {
      const run = await runInProcess(['init', '--ci', 'github', '-C', root, ...flags]);
      expect(readFileSync(victim, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');
      expect([flags.join(' '), run.code]).toEqual([flags.join(' '), 1]);
      expect(run.stderr).toContain('[PathThroughLink]');
    }
    expect(existsSync(path.join(root, '.github', 'workflows', 'mesh.yml'))).toBe(false);
  });

  it('does not write into the folder .github links to', async () => {
    const root = await example();
    const elsewhere = tempDir('mesh-trust-elsewhere-');
    symlinkSync(elsewhere, path.join(root, '.github'));
    const run = await runInProcess(['init', '--ci', 'github', '-C', root]);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[PathThroughLink]');
  });

  it('writes the files where no link is in the way', async () => {
    const root = await example();
    const run = await runInProcess(['init', '--ci', 'github', '-C', root]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(root, '.github', 'CODEOWNERS'), 'utf8')).toContain('mesh init --ci github');
  });
});
