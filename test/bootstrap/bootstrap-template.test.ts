// `mesh bootstrap --template DIR`: one CloudFormation template per account of the running example, JSON and YAML,
// holding what `mesh bootstrap` makes, and clean under cfn-lint (installed into .services/venv from
// scripts/requirements-test.txt; the test fails when it is missing).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mesh } from '../e2e/aws-example-cli.js';
import { cfnLint } from './cfn-lint.js';

let root: string;
let accounts: { central: string; domains: Record<string, string> };

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-bootstrap-template-'));
  await mesh(root, 'init', '--example', 'music-streaming');
  const meshYaml = parse(readFileSync(path.join(root, 'mesh.yaml'), 'utf8'));
  const domains: Record<string, string> = {};
  for (const name of readdirSync(path.join(root, 'domains'))) {
    const file = path.join(root, 'domains', name, 'domain.yaml');
    if (existsSync(file)) domains[name] = String(parse(readFileSync(file, 'utf8')).account);
  }
  accounts = { central: String(meshYaml.centralCatalog.account), domains };
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mesh bootstrap --template', () => {
  it('writes one JSON template per account with the central resources and each domain role', async () => {
    const out = path.join(root, 'cfn-json');
    const { doc } = await mesh(root, 'bootstrap', '--template', out);
    const files = (doc as { templates: string[] }).templates;
    const expected = [...new Set([accounts.central, ...Object.values(accounts.domains)])].map((a) =>
      path.join(out, `mesh-bootstrap-${a}.json`),
    );
    expect(files.sort()).toEqual(expected.sort());

    const central = JSON.parse(readFileSync(path.join(out, `mesh-bootstrap-${accounts.central}.json`), 'utf8'));
    const types = Object.fromEntries(Object.entries(central.Resources).map(([id, r]) => [id, (r as { Type: string }).Type]));
    expect(types).toMatchObject({
      DataLakeSettings: 'AWS::LakeFormation::DataLakeSettings',
      RoleMeshLfDataAccess: 'AWS::IAM::Role',
      LfTagDomain: 'AWS::LakeFormation::Tag',
      LockTableMeshLocks: 'AWS::DynamoDB::Table',
    });
    expect(Object.values(types).filter((t) => t === 'AWS::Glue::Registry')).toHaveLength(1);
    expect(central.Resources.DataLakeSettings.Properties).toMatchObject({
      MutationType: 'APPEND',
      Admins: [{ DataLakePrincipalIdentifier: { Ref: 'MeshAdminArn' } }],
      Parameters: { CROSS_ACCOUNT_VERSION: '4' },
    });
    expect(central.Resources.LockTableMeshLocks.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'lockKey', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
    });
    const songs = JSON.parse(readFileSync(path.join(out, `mesh-bootstrap-${accounts.domains.songs}.json`), 'utf8'));
    expect(songs.Resources.RoleMeshSongs.Properties.RoleName).toBe('mesh-songs');
    expect(songs.Resources.RoleMeshSongs.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      AWS: [`arn:aws:iam::${accounts.domains.songs}:root`],
    });
  });

  it('JSON and YAML templates pass cfn-lint', async () => {
    const json = path.join(root, 'lint-json');
    const yaml = path.join(root, 'lint-yaml');
    await mesh(root, 'bootstrap', '--template', json);
    await mesh(root, 'bootstrap', '--template', yaml, '--format', 'yaml');
    const files = [...readdirSync(json).map((f) => path.join(json, f)), ...readdirSync(yaml).map((f) => path.join(yaml, f))];
    expect(files.filter((f) => f.endsWith('.yaml'))).toHaveLength(files.length / 2);
    const lint = cfnLint(files);
    expect(lint.output).toBe('');
    expect(lint.code).toBe(0);
  });

  it('cfn-lint does fail on a broken template (the check can fail)', () => {
    const dir = path.join(root, 'broken');
    const file = path.join(dir, 'broken.json');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: { T: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'FREE' } } },
      }),
    );
    expect(cfnLint([file]).code).not.toBe(0);
  });
});
