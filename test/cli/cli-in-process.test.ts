import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';
import { runInProcess } from './run-cli.js';

describe('mesh init and validate, in process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await writeWorkspace({});
  });
  afterAll(() => removeWorkspace(dir));

  test('init --example lists every file it wrote and what to run next', async () => {
    const run = await runInProcess(['init', '--example', 'music-streaming', '--yes', '-C', dir]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Created \\d+ files in ${dir.replace(/[/\\]/g, '\\$&')}:$`));
    expect(lines).toContain('  mesh.yaml');
    expect(lines).toContain('  domains/interactions/data/interactions.csv');
    expect(lines.slice(-4)).toEqual([
      'Next:',
      '  mesh validate',
      '  mesh publish-product',
      '  mesh subscribe users --domain recommendations',
    ]);
  });

  test('validate: a one-line summary on success, exit 0', async () => {
    const run = await runInProcess(['validate', '-C', path.join(dir, 'domains/songs')]);
    expect(run).toMatchObject({ code: 0, stdout: 'Workspace is valid: 6 domains, 4 products, 5 subscriptions.\n' });
  });

  test('validate --json: exactly one JSON document on stdout', async () => {
    const run = await runInProcess(['validate', '--json', '-C', dir]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, root: dir, summary: { domains: 6, products: 4, subscriptions: 5 }, problems: [] });
  });

  test('validate with errors: every problem as file:line:col code path message + hint; exit 2', async () => {
    const file = path.join(dir, 'domains/analytics/domain.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('kind: consumer', 'kind: consumr').replace('team: insights-team', 'tem: insights-team'));
    try {
      const run = await runInProcess(['validate', '--no-color', '-C', dir]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe(
        [
          'domains/analytics/domain.yaml:3:7  InvalidValue  kind  "kind" must be one of producer, consumer, both; got "consumr".',
          '    hint: Did you mean "consumer"?',
          'domains/analytics/domain.yaml:5:3  UnknownField  owner.tem  Unknown field "tem".',
          '    hint: Did you mean "team"?',
          '',
        ].join('\n'),
      );
      expect(run.stderr).toContain('error [ConfigInvalid] 2 errors in the workspace.');

      const json = await runInProcess(['validate', '--json', '-C', dir]);
      expect(json.code).toBe(2);
      const doc = JSON.parse(json.stdout) as { error: { code: string; details: { problems: { code: string; line: number }[] } } };
      expect(doc.error.code).toBe('ConfigInvalid');
      expect(doc.error.details.problems.map((p) => [p.code, p.line])).toEqual([
        ['InvalidValue', 3],
        ['UnknownField', 5],
      ]);
    } finally {
      await writeFile(file, original);
    }
  });

  test('init a producer into the workspace; then validate still passes', async () => {
    const run = await runInProcess([
      'init',
      'producer',
      'radio',
      '--owner-contact',
      'radio@example.com',
      '--storage',
      'event-files',
      '--yes',
      '-C',
      dir,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  domains/radio/export/ctas.sql\n');
    expect(run.stdout).toContain('Updated: mesh.yaml\n');
    expect(run.stderr).toContain('? Owner team → auto: radio-team (--owner-team)');
    expect((await runInProcess(['validate', '-C', dir])).stdout).toBe('Workspace is valid: 7 domains, 5 products, 5 subscriptions.\n');
  });

  test('a missing value without a TTY fails naming the flag, exit 2, nothing written', async () => {
    const run = await runInProcess(['init', 'consumer', 'ads', '--yes', '-C', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[MissingFlag]');
    expect(run.stderr).toContain('hint: Pass --owner-contact.');
    expect(await readFile(path.join(dir, 'mesh.yaml'), 'utf8')).not.toContain('domains/ads');
  });

  test('init refuses to overwrite; --json prints one document', async () => {
    const again = await runInProcess(['init', '--example', 'music-streaming', '--json', '-C', dir]);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({
      error: { code: 'FilesExist', details: { files: expect.arrayContaining(['mesh.yaml']) } },
    });
    const other = await writeWorkspace({});
    const fresh = await runInProcess(['init', 'mesh', 'radio', '--json', '-C', other]);
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ kind: 'mesh', name: 'radio', created: ['.gitignore', 'README.md', 'mesh.yaml'] });
    await removeWorkspace(other);
  });

  test('validate outside a workspace: WorkspaceNotFound with the hint to run mesh init', async () => {
    const empty = await writeWorkspace({});
    const run = await runInProcess(['validate', '-C', empty]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[WorkspaceNotFound]');
    expect(run.stderr).toContain('mesh init');
    await removeWorkspace(empty);
  });
});
