import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';
import { ensureBuilt, runChild } from './run-cli.js';

describe('mesh as a child process (node bin/mesh.cjs)', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await writeWorkspace({});
  });
  afterAll(() => removeWorkspace(dir));

  test('--help lists the commands and exits 0; init --help documents every prompt flag', () => {
    const help = runChild(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mesh \[options\] \[command\]/);
    for (const command of ['init', 'validate', 'plan', 'publish-product', 'subscribe'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command} `));
    expect(help.stderr).toBe('');
    const init = runChild(['init', '--help'], dir);
    expect(init.code).toBe(0);
    for (const flag of ['--example', '--owner-team', '--owner-contact', '--account', '--storage', '--use-case', '--force', '--dry-run'])
      expect(init.stdout).toContain(flag);
  });

  test('init --example music-streaming --yes in an empty folder, then validate: both succeed', () => {
    const init = runChild(['init', '--example', 'music-streaming', '--yes'], dir, { CI: 'true' });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^Created \d+ files in /);
    const validate = runChild(['validate'], dir);
    expect(validate).toMatchObject({ code: 0, stdout: 'Workspace is valid: 6 domains, 4 products, 5 subscriptions.\n', stderr: '' });
    const json = runChild(['validate', '--json'], path.join(dir, 'domains'));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, summary: { domains: 6, products: 4 } });
  });

  test('bootstrap --template --format yaml writes YAML through the bundle (it wrote JSON there once)', async () => {
    const out = path.join(dir, 'bootstrap-yaml');
    const run = runChild(['bootstrap', '--template', out, '--format', 'yaml'], dir);
    expect(run.code).toBe(0);
    const files = (await readdir(out)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const text = await readFile(path.join(out, file), 'utf8');
      expect(text.startsWith('{')).toBe(false);
      expect(text).toMatch(/^AWSTemplateFormatVersion: /m);
      expect(parse(text)).toHaveProperty('Resources');
    }
  });

  test('validate on a broken workspace exits 2; --json stays one document', async () => {
    const broken = await writeWorkspace({
      'mesh.yaml': 'apiVersion: mesh/v1\nname: x\ncentralCatalog:\n  account: "1"\n  region: us-east-1\ndomains: [domains/missing]\n',
    });
    const human = runChild(['validate'], broken);
    expect(human.code).toBe(2);
    expect(human.stdout).toContain('mesh.yaml:4:12  InvalidAccountId  centralCatalog.account');
    expect(human.stdout).toContain('mesh.yaml:6:11  FileNotFound  domains[0]  domains/missing/domain.yaml does not exist.');
    const json = runChild(['validate', '--json'], broken);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout) as { error: { details: { problems: unknown[] } } };
    expect(doc.error.details.problems).toHaveLength(2);
    await writeFile(path.join(broken, 'mesh.yaml'), '');
    expect(runChild(['validate'], broken).stdout).toContain('mesh.yaml:1:1  EmptyFile');
    await removeWorkspace(broken);
  });
});
