/**
 * `mesh destroy` on the local target deletes the local state mesh made under .mesh/local, and nothing else: a
 * workspace that ships `.mesh/local` (or `.mesh`) as a symbolic link to another folder must not make destroy empty
 * that folder, and a link inside .mesh/local is removed as a link, never followed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const tempDir = tempDirsPerTest();

/** A folder outside the workspace with files a user would not want to lose. */
function victimFolder(): string {
  const victim = tempDir('mesh-trust-victim-');
  writeFileSync(path.join(victim, 'thesis.txt'), 'years of work\n');
  mkdirSync(path.join(victim, 'local', 'photos'), { recursive: true });
  writeFileSync(path.join(victim, 'local', 'photos', 'cat.jpg'), 'meow');
  writeFileSync(path.join(victim, 'local', 'notes.txt'), 'notes');
  return victim;
}

const filesOf = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

async function exampleWorkspace(): Promise<string> {
  const root = tempDir('mesh-trust-destroy-');
  const init = await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  return root;
}

describe('local destroy and planted links', () => {
  it('refuses to delete through .mesh/local when it is a link, and deletes nothing', async () => {
    const root = await exampleWorkspace();
    const victim = victimFolder();
    const before = filesOf(victim);
    rmSync(path.join(root, '.mesh', 'local'), { recursive: true, force: true });
    mkdirSync(path.join(root, '.mesh'), { recursive: true });
    symlinkSync(victim, path.join(root, '.mesh', 'local'));
    const run = await runInProcess(['destroy', '-C', root, '--yes', '--delete-data']);
    expect(filesOf(victim)).toEqual(before);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('.mesh/local is a symbolic link');
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(run.stderr).toContain('Nothing was deleted');
  });

  it('refuses when .mesh itself is a link', async () => {
    const root = await exampleWorkspace();
    const victim = victimFolder();
    const before = filesOf(victim);
    rmSync(path.join(root, '.mesh'), { recursive: true, force: true });
    symlinkSync(victim, path.join(root, '.mesh'));
    const run = await runInProcess(['destroy', '-C', root, '--yes', '--delete-data']);
    // Nothing is written there either (no lock file, no state journal): every local run checks .mesh first.
    expect(filesOf(victim)).toEqual(before);
    expect(readFileSync(path.join(victim, 'local', 'notes.txt'), 'utf8')).toBe('notes');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('.mesh is a symbolic link');
  });

  it('refuses with a link inside .mesh/local too, and leaves the folder it points to', async () => {
    // Every local run refuses a link anywhere in mesh's state (src/lock/state-folder.ts): the user removes it (and
    // looks at where it led), then destroys.
    const root = await exampleWorkspace();
    const victim = victimFolder();
    const before = filesOf(victim);
    mkdirSync(path.join(root, '.mesh', 'local'), { recursive: true });
    symlinkSync(path.join(victim, 'local'), path.join(root, '.mesh', 'local', 'planted'));
    const run = await runInProcess(['destroy', '-C', root, '--yes', '--delete-data']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(run.stderr).toContain(`${path.join('.mesh', 'local', 'planted')} is a symbolic link`);
    expect(filesOf(victim)).toEqual(before);
    expect(existsSync(path.join(root, '.mesh', 'local', 'planted'))).toBe(true);
  });
});
