/**
 * A `type: local` server path must stay inside its own domain's folder (validation checks the path as written). A
 * pull request can also add a symbolic link inside the domain's folder: `domains/podcasts/out -> /anywhere`. Then
 * publishing must not write the sample into (or read data files from) the folder the link leads to: publishing
 * copies the product's sample file there, overwriting a file of the same name (its name and content are the
 * contract author's choice: `settings.json` in an editor's configuration folder, say).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storePath } from '../../src/catalog/local/object-store.js';
import { runInProcess } from '../cli/run-cli.js';
import { tempDirsPerTest } from '../support/temp-dirs.js';

const tempDir = tempDirsPerTest();

/** The example, with podcasts served from a local folder `domains/podcasts/out` instead of its bucket. */
async function exampleWithLocalServer(): Promise<string> {
  const root = tempDir('mesh-trust-localpath-');
  const init = await runInProcess(['init', '--example', 'music-streaming', '-C', root, '--json', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  const file = path.join(root, 'domains', 'podcasts', 'products', 'podcasts.odcs.yaml');
  const text = readFileSync(file, 'utf8');
  const local = text.replace(
    /type: s3\n( +)location: s3:\/\/music-podcasts-444444444444\/products\/podcasts\//,
    (_m, indent: string) => `type: local\n${indent}path: ../out`,
  );
  expect(local).not.toBe(text);
  writeFileSync(file, local);
  return root;
}

describe('a local server path through a link', () => {
  it('publish does not overwrite a file in the folder a link in the domain folder leads to', async () => {
    const root = await exampleWithLocalServer();
    const victim = tempDir('mesh-trust-victim-');
    writeFileSync(path.join(victim, 'podcasts.csv'), 'precious,data\n');
    symlinkSync(victim, path.join(root, 'domains', 'podcasts', 'out'));

    const run = await runInProcess(['publish-product', 'podcasts', '-C', root, '--yes']);
    expect(readFileSync(path.join(victim, 'podcasts.csv'), 'utf8')).toBe('precious,data\n');
    expect(readdirSync(victim)).toEqual(['podcasts.csv']);
    // Refused by validation (PathEscapesDomain, links followed) or, for a workspace that skipped it, by the store.
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/\[(PathThroughLink|ConfigInvalid)\].*(domains\/podcasts\/out|\.\.\/out)/);
  });

  it('validation refuses a link inside the domain folder too (the store would refuse it when publishing)', async () => {
    const root = await exampleWithLocalServer();
    mkdirSync(path.join(root, 'domains', 'podcasts', 'releases', '2026-12'), { recursive: true });
    symlinkSync('releases/2026-12', path.join(root, 'domains', 'podcasts', 'out'));
    const run = await runInProcess(['validate', '-C', root]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('PathThroughLink');
    expect(run.stdout).toContain('"../out" goes through the symbolic link domains/podcasts/out');
  });

  it('the local store refuses the link itself, whatever validation let through', () => {
    const root = tempDir('mesh-trust-localpath-');
    const victim = tempDir('mesh-trust-victim-');
    const domain = path.join(root, 'domains', 'podcasts');
    mkdirSync(domain, { recursive: true });
    symlinkSync(victim, path.join(domain, 'out'));
    const localDir = path.join(root, '.mesh', 'local');
    expect(() => storePath(localDir, path.join(domain, 'out'))).toThrow(
      expect.objectContaining({
        code: 'PathThroughLink',
        message: expect.stringContaining(`${path.join(domain, 'out')} is a symbolic link`),
      }),
    );
    expect(() => storePath(localDir, path.join(domain, 'out', 'year=2026'))).toThrow(expect.objectContaining({ code: 'PathThroughLink' }));
    // A link higher up, between the workspace and the folder, too.
    rmSync(path.join(domain, 'out'));
    mkdirSync(path.join(victim, 'podcasts', 'out'), { recursive: true });
    rmSync(domain, { recursive: true });
    symlinkSync(path.join(victim, 'podcasts'), domain);
    expect(() => storePath(localDir, path.join(domain, 'out'))).toThrow(
      expect.objectContaining({ code: 'PathThroughLink', message: expect.stringContaining(`${domain} is a symbolic link`) }),
    );
    // A plain folder is the folder itself.
    rmSync(domain);
    mkdirSync(path.join(domain, 'out'), { recursive: true });
    expect(storePath(localDir, path.join(domain, 'out'))).toBe(path.join(domain, 'out'));
  });

  it('publish writes the sample into the folder when it is a plain one', async () => {
    const root = await exampleWithLocalServer();
    const run = await runInProcess(['publish-product', 'podcasts', '-C', root, '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(path.join(root, 'domains', 'podcasts', 'out'))).toEqual(['podcasts.csv']);
  });
});
