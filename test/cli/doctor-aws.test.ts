// `mesh doctor --target aws` against moto: the example's accounts reached by AssumeRole; each check says what it
// found, and each failure names its fix (exit 1). Then the fixes are applied and the same checks pass.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LakeFormationClient, PutDataLakeSettingsCommand } from '@aws-sdk/client-lakeformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMskCluster, freshExampleAccounts, rewriteExample } from '../e2e/aws-example-setup.js';
import { accountClients } from '../support/moto.js';
import { runInProcess } from './run-cli.js';

let root = '';
let accounts: ReturnType<typeof freshExampleAccounts>;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mesh-doctor-'));
  expect((await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', root])).code).toBe(0);
  accounts = freshExampleAccounts();
  const cluster = await createMskCluster(accounts.central, '3.6.0');
  rewriteExample(root, { accounts, clusterArn: cluster.arn, topicPrefix: 'doctor' });
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const doctor = async () => {
  const r = await runInProcess(['doctor', '--json', '--cwd', root]);
  const doc = JSON.parse(r.stdout) as { checks?: Check[]; error?: { details: { checks: Check[] } } };
  return { code: r.code, checks: doc.checks ?? doc.error?.details.checks ?? [] };
};

describe('mesh doctor on aws', () => {
  it('checks credentials in every account and names the fix for what is missing', async () => {
    const { code, checks } = await doctor();
    expect(code).toBe(1);
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    for (const domain of ['users', 'songs', 'podcasts', 'interactions', 'recommendations', 'analytics'] as const) {
      expect(byName[`credentials: domain ${domain}`]).toMatchObject({
        ok: true,
        detail: expect.stringContaining(`account ${accounts[domain]}`),
      });
    }
    expect(byName['credentials: central catalog']?.ok).toBe(true);
    expect(byName['MSK cluster']).toMatchObject({ ok: true, detail: expect.stringContaining('ACTIVE') });
    expect(byName['data access role (central)']).toMatchObject({ ok: false, fix: expect.stringContaining('MeshLfDataAccess') });
    expect(byName['lake formation settings (central)']).toMatchObject({ ok: false, fix: expect.stringContaining('CROSS_ACCOUNT_VERSION') });
    expect(JSON.stringify(checks)).not.toMatch(/SecretAccessKey|testing/);
  });

  it('passes once the role exists and Lake Formation is set up', async () => {
    const central = await accountClients(accounts.central);
    await new IAMClient(central).send(
      new CreateRoleCommand({
        RoleName: 'MeshLfDataAccess',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lakeformation.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await new LakeFormationClient(central).send(
      new PutDataLakeSettingsCommand({
        DataLakeSettings: {
          DataLakeAdmins: [{ DataLakePrincipalIdentifier: `arn:aws:iam::${accounts.central}:role/mesh-test` }],
          Parameters: { CROSS_ACCOUNT_VERSION: '4' },
        },
      }),
    );
    const { code, checks } = await doctor();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(code).toBe(0);
  });
});
