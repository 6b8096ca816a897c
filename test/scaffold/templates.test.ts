import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import { addDomainToMeshFile } from '../../src/scaffold/mesh-file-edit.js';
import { collectTemplate, outputPath, renderPlaceholders, textFile } from '../../src/scaffold/template-files.js';
import { writeFilePlan } from '../../src/scaffold/write-files.js';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeWorkspace(d);
});
async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const d = await writeWorkspace(files);
  dirs.push(d);
  return d;
}

describe('placeholders and file names', () => {
  test('known placeholders are filled, other %…% text is left alone', () => {
    expect(
      renderPlaceholders("%name% in %mesh% WHERE x LIKE '%abc%' %owner.team%", { name: 'songs', mesh: 'music', 'owner.team': 'catalog' }),
    ).toBe("songs in music WHERE x LIKE '%abc%' catalog");
  });
  test('.template is dropped, _gitignore becomes .gitignore, %name% in paths is filled', () => {
    expect(outputPath('products/%name%.odcs.template.yaml', { name: 'songs' })).toBe('products/songs.odcs.yaml');
    expect(outputPath('export/run.template.sh', {})).toBe('export/run.sh');
    expect(outputPath('_gitignore', {})).toBe('.gitignore');
    expect(outputPath('a/template.md', {})).toBe('a/template.md');
  });
  test('only *.template.* files are rendered; others are copied byte for byte', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x25, 0x6e, 0x61, 0x6d, 0x65, 0x25]); // not UTF-8, contains "%name%"
    const dir = await tempDir({ 'a.template.txt': 'hello %name%\n', 'sub/%name%.sql': "SELECT '%name%'\n" });
    await writeFile(path.join(dir, 'blob.bin'), bytes);
    const files = await collectTemplate(dir, 'out', { name: 'x' });
    expect(files.map((f) => [f.path, f.content.toString('latin1')])).toEqual([
      ['out/a.txt', 'hello x\n'],
      ['out/blob.bin', bytes.toString('latin1')],
      ['out/sub/x.sql', "SELECT '%name%'\n"],
    ]);
    expect(await collectTemplate(path.join(dir, 'missing'), '', {})).toEqual([]);
  });
});

describe('writing files', () => {
  test('never overwrites without --force: lists what exists, writes nothing, exit 2', async () => {
    const dir = await tempDir({ 'keep.txt': 'mine\n' });
    const plan = { root: dir, files: [textFile('new.txt', 'new\n'), textFile('keep.txt', 'theirs\n')], edits: [] };
    const error = (await writeFilePlan(plan).catch((e: unknown) => e)) as MeshError;
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: 'FilesExist', exitCode: 2, details: { files: ['keep.txt'] } });
    expect(error.message).toContain('keep.txt');
    await expect(stat(path.join(dir, 'new.txt'))).rejects.toThrow();
    expect(await readFile(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine\n');
  });

  test('--force overwrites and says so; --dry-run writes nothing', async () => {
    const dir = await tempDir({ 'keep.txt': 'mine\n' });
    const plan = { root: dir, files: [textFile('new/run.sh', '#!/bin/sh\n'), textFile('keep.txt', 'theirs\n')], edits: [] };
    const dry = await writeFilePlan(plan, { force: true, dryRun: true });
    expect(dry).toEqual({ created: ['new/run.sh'], edited: [], overwritten: ['keep.txt'], dryRun: true });
    await expect(stat(path.join(dir, 'new'))).rejects.toThrow();
    const done = await writeFilePlan(plan, { force: true });
    expect(done.overwritten).toEqual(['keep.txt']);
    expect(await readFile(path.join(dir, 'keep.txt'), 'utf8')).toBe('theirs\n');
    expect((await stat(path.join(dir, 'new/run.sh'))).mode & 0o111).not.toBe(0);
  });
});

describe('adding a domain to mesh.yaml', () => {
  const text = '# my mesh\napiVersion: mesh/v1\nname: m # the name\n# the domains\ndomains:\n  - domains/a # first\n';
  test('appends and keeps comments', () => {
    const result = addDomainToMeshFile(text, 'domains/b');
    expect(result.changed).toBe(true);
    expect(result.text).toBe(
      '# my mesh\napiVersion: mesh/v1\nname: m # the name\n# the domains\ndomains:\n  - domains/a # first\n  - domains/b\n',
    );
  });
  test('an empty list [] becomes a block list; a listed entry is left alone', () => {
    expect(addDomainToMeshFile('name: m\ndomains: []\n', 'domains/a').text).toBe('name: m\ndomains:\n  - domains/a\n');
    expect(addDomainToMeshFile(text, 'domains/a')).toEqual({ text, changed: false });
  });
  test('no domains key: added', () => {
    expect(addDomainToMeshFile('name: m\n', 'domains/a').text).toBe('name: m\ndomains:\n  - domains/a\n');
  });
  test('with domainAccounts, the new domain is assigned its account there; an existing assignment is not changed', () => {
    const assigned = 'name: m\ndomainAccounts:\n  a: "111111111111" # by the platform\ndomains:\n  - domains/a\n';
    const added = addDomainToMeshFile(assigned, 'domains/b', { domain: 'b', account: '222222222222' });
    expect(added).toEqual({
      text: 'name: m\ndomainAccounts:\n  a: "111111111111" # by the platform\n  b: "222222222222"\ndomains:\n  - domains/a\n  - domains/b\n',
      changed: true,
    });
    expect(addDomainToMeshFile(assigned, 'domains/a', { domain: 'a', account: '999999999999' })).toEqual({
      text: assigned,
      changed: false,
    });
    // Without domainAccounts, nothing is assigned.
    expect(addDomainToMeshFile('name: m\n', 'domains/b', { domain: 'b', account: '222222222222' }).text).toBe(
      'name: m\ndomains:\n  - domains/b\n',
    );
  });
  test('broken mesh.yaml is not touched', () => {
    expect(() => addDomainToMeshFile('name: [m\n', 'domains/a')).toThrow(/not valid YAML/);
    expect(() => addDomainToMeshFile('domains: x\n', 'domains/a')).toThrow(/not a list/);
  });
});
