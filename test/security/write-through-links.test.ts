/**
 * Folders mesh writes into or deletes from are never entered through a symbolic link (src/core/symbolic-links.ts):
 * links below `.mesh/local` (the object store, a bucket folder, a transform's output folder), the folder given to
 * `portal build --out`, and the templates `bootstrap --template` writes. Before, publishing deleted and wrote files
 * wherever a planted `.mesh/local/s3` led, and `mesh transform` replaced any file a planted output folder led to.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/run-cli.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const tempDir = tempDirsPerTest();

/** A folder outside the workspace holding one file a user would not want replaced or lost. */
function victim(): { dir: string; files: () => string[] } {
  const dir = tempDir('mesh-links-victim-');
  writeFileSync(path.join(dir, 'ledger.csv'), 'keep me\n');
  return { dir, files: () => readdirSync(dir, { recursive: true }).map(String).sort() };
}

async function example(): Promise<string> {
  const root = tempDir('mesh-links-');
  const init = await runInProcess(['init', '--example', 'music-streaming', '--yes', '--cwd', root]);
  expect(init.code, init.stderr).toBe(0);
  return root;
}

const mesh = (root: string, ...args: string[]) => runInProcess([...args, '--cwd', root, '--yes']);

describe('writes below .mesh/local', () => {
  it('publish refuses an object store that is a link, and neither deletes nor writes where it leads', async () => {
    const root = await example();
    const outside = victim();
    mkdirSync(path.join(root, '.mesh', 'local'), { recursive: true });
    symlinkSync(outside.dir, path.join(root, '.mesh', 'local', 's3'));
    const run = await mesh(root, 'publish-product', 'songs');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(run.stderr).toContain(`${path.join('.mesh', 'local', 's3')} is a symbolic link`);
    expect(outside.files()).toEqual(['ledger.csv']);
  });

  it("publish refuses a bucket folder that is a link to another domain's bucket", async () => {
    const root = await example();
    expect((await mesh(root, 'publish-product', 'users')).code).toBe(0);
    const store = path.join(root, '.mesh', 'local', 's3');
    const users = readdirSync(store).find((b) => b.includes('users')) as string;
    const songs = readdirSync(store).find((b) => b.includes('songs'));
    if (songs) rmSync(path.join(store, songs), { recursive: true, force: true });
    const songsBucket = 'music-songs-333333333333';
    symlinkSync(users, path.join(store, songsBucket));
    const before = readdirSync(path.join(store, users), { recursive: true }).map(String).sort();
    const run = await mesh(root, 'publish-product', 'songs');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(readdirSync(path.join(store, users), { recursive: true }).map(String).sort()).toEqual(before);
  });

  it('mesh transform refuses an output folder that is a link, and the file it leads to is not replaced', async () => {
    const root = await example();
    expect((await mesh(root, 'publish-product')).code).toBe(0);
    for (const p of ['songs', 'podcasts'])
      expect((await mesh(root, 'subscribe', p, '--domain', 'recommendations', '--table')).code).toBe(0);
    const outside = victim();
    const folder = path.join(root, '.mesh', 'local', 'transforms');
    mkdirSync(folder, { recursive: true });
    rmSync(path.join(folder, 'recommendations'), { recursive: true, force: true });
    symlinkSync(outside.dir, path.join(folder, 'recommendations'));
    const run = await mesh(root, 'transform', 'items', '--domain', 'recommendations');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(outside.files()).toEqual(['ledger.csv']);
    expect(readFileSync(path.join(outside.dir, 'ledger.csv'), 'utf8')).toBe('keep me\n');
  });

  it('events produce refuses a .mesh/state that is a link (the produce journal lives there)', async () => {
    const root = await example();
    const outside = victim();
    mkdirSync(path.join(root, '.mesh'), { recursive: true });
    symlinkSync(outside.dir, path.join(root, '.mesh', 'state'));
    const events = path.join(root, 'listens.jsonl');
    writeFileSync(events, '{"user_id":"u1"}\n');
    const run = await mesh(root, 'events', 'produce', 'interactions', '--file', events);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(outside.files()).toEqual(['ledger.csv']);
  });
});

describe('links anywhere in mesh state (every local run checks before it reads or writes)', () => {
  it.each([
    ['.mesh/state/produce', 'folder'],
    ['.mesh/state/local.journal.jsonl', 'file'],
    ['.mesh/local/personalize', 'folder'],
    ['.mesh/local/catalog.db', 'dangling'],
  ])('%s as a link (%s): PathThroughLink, nothing written where it leads', async (rel, kind) => {
    const root = await example();
    const outside = victim();
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    const target =
      kind === 'folder' ? outside.dir : kind === 'file' ? path.join(outside.dir, 'ledger.csv') : path.join(outside.dir, 'new.db');
    symlinkSync(target, path.join(root, rel));
    const run = await mesh(root, 'apply');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(run.stderr).toContain(`${rel.split('/').join(path.sep)} is a symbolic link`);
    expect(outside.files()).toEqual(['ledger.csv']);
    expect(readFileSync(path.join(outside.dir, 'ledger.csv'), 'utf8')).toBe('keep me\n');
  });
});

describe('output folders given on the command line', () => {
  it('portal build --out refuses a folder that is a link', async () => {
    const root = await example();
    const outside = victim();
    symlinkSync(outside.dir, path.join(root, 'site'));
    const run = await mesh(root, 'portal', 'build', '--out', path.join(root, 'site'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(outside.files()).toEqual(['ledger.csv']);
  });

  it('bootstrap --template refuses a template file that is a link, and writes no template', async () => {
    const root = await example();
    const outside = victim();
    const dir = path.join(root, 'infra');
    mkdirSync(dir);
    symlinkSync(path.join(outside.dir, 'ledger.csv'), path.join(dir, 'mesh-bootstrap-111111111111.json'));
    const run = await mesh(root, 'bootstrap', '--template', dir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[PathThroughLink]');
    expect(readFileSync(path.join(outside.dir, 'ledger.csv'), 'utf8')).toBe('keep me\n');
    expect(readdirSync(dir)).toEqual(['mesh-bootstrap-111111111111.json']);
    expect(existsSync(path.join(dir, 'mesh-bootstrap-222222222222.json'))).toBe(false);
  });
});
