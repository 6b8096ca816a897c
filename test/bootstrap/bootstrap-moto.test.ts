// `mesh bootstrap` against empty moto accounts (producer, central, consumer): the plan, what each account holds after
// the apply (read through the SDK), that existing Lake Formation admins and settings are kept, a re-run with 0
// mutating calls, and a trusted principal that does not exist refused before any change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { MeshError } from '../../src/core/errors.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture } from '../catalog/fixtures.js';
import { freshAccounts } from '../support/moto.js';
import { createRole, lfSettings, lfTagKeys, lockTable, registryExists, role, roleNames, seedLfSettings } from './accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { central: C, producer: P, consumer: U } = accounts;
const bucket = `music-data-${P}`;
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter);
const meshAdmin = `arn:aws:iam::${C}:role/mesh-test`;
let fx: Fixture;
let sso: string;

const withTrusted = (ws: Workspace, domain: string, principals: string[]): Workspace => ({
  ...ws,
  domains: ws.domains.map((d) => (d.name === domain ? { ...d, trustedPrincipals: principals } : d)),
});

const bootstrap = (workspace: Workspace, dryRun = false) =>
  runBootstrap({
    workspace,
    target: 'aws',
    signal: new AbortController().signal,
    dryRun,
    plane: { clients },
  });

beforeAll(async () => {
  fx = musicFixture({ target: 'aws', accounts, bucket });
  sso = await createRole(U, 'team-sso');
  fx.workspace = withTrusted(fx.workspace, 'recommendations', [sso]);
  // Someone already administers this data lake, with a setting of their own: bootstrap keeps both.
  await seedLfSettings(C, `arn:aws:iam::${C}:role/existing-admin`, { CROSS_ACCOUNT_VERSION: '1', SOME_SETTING: 'kept' });
});
afterAll(() => fx.cleanup());

describe('mesh bootstrap on empty moto accounts', () => {
  it('--dry-run plans every resource and changes nothing', async () => {
    counter.reset();
    const { plan, applied } = await bootstrap(fx.workspace, true);
    expect(applied).toBe(false);
    expect(plan.changes.map((c) => `${c.action} ${c.key}`).sort()).toEqual(
      [
        `create iam-role:${C}/MeshLfDataAccess`,
        `create iam-role:${P}/mesh-listeners`,
        `create iam-role:${P}/mesh-music`,
        `create iam-role:${P}/mesh-podcasts`,
        `create iam-role:${U}/mesh-recommendations`,
        `create lf-tag-key:${C}/classification`,
        `create lf-tag-key:${C}/domain`,
        `create lf-tag-key:${C}/product`,
        `update lf-settings:${C}`,
        `create lock-table:${C}/mesh-locks`,
        `create schema-registry:${C}/music`,
      ].sort(),
    );
    // The LF-Tags come after the settings that make mesh a data lake admin.
    const order = plan.changes.map((c) => c.key);
    expect(order.indexOf(`lf-settings:${C}`)).toBeLessThan(order.indexOf(`lf-tag-key:${C}/domain`));
    expect(plan.changes.find((c) => c.ref.type === 'lf-settings')?.reason).toBe(`admins to add: ${meshAdmin}; CROSS_ACCOUNT_VERSION 1 → 4`);
    expect(counter.mutating).toEqual([]);
    expect(await role(C, 'MeshLfDataAccess')).toBeUndefined();
    expect(await lockTable(C)).toBeUndefined();
  });

  it('applies: every account holds what the planes rely on, existing admins and settings kept', async () => {
    counter.reset();
    const { applied, result } = await bootstrap(fx.workspace);
    expect(applied).toBe(true);
    expect(result?.applied).toHaveLength(11);

    const settings = await lfSettings(C);
    expect(settings.DataLakeAdmins?.map((a) => a.DataLakePrincipalIdentifier)).toEqual([
      `arn:aws:iam::${C}:role/existing-admin`,
      meshAdmin,
    ]);
    expect(settings.Parameters).toMatchObject({ CROSS_ACCOUNT_VERSION: '4', SOME_SETTING: 'kept' });
    expect([...(settings.CreateDatabaseDefaultPermissions ?? []), ...(settings.CreateTableDefaultPermissions ?? [])]).toEqual([]);

    const dataAccess = await role(C, 'MeshLfDataAccess');
    expect(dataAccess?.trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lakeformation.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    // S3 access: exactly the prefixes the producer domains declare, nothing else in the bucket.
    expect(dataAccess?.policy.Statement).toEqual([
      {
        Sid: 'ProductObjects',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: [`arn:aws:s3:::${bucket}/listeners/*`, `arn:aws:s3:::${bucket}/music/*`, `arn:aws:s3:::${bucket}/podcasts/*`],
      },
      {
        Sid: 'ListProductPrefixes0',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': ['listeners/*', 'music/*', 'podcasts/*'] } },
      },
    ]);
    expect(dataAccess?.tags).toMatchObject({ 'mesh:managed-by': 'mesh/music' });

    expect(await roleNames(P)).toEqual(['mesh-listeners', 'mesh-music', 'mesh-podcasts']);
    expect((await role(P, 'mesh-music'))?.trust.Statement[0].Principal).toEqual({ AWS: [`arn:aws:iam::${P}:root`] });
    const consumer = await role(U, 'mesh-recommendations');
    expect(consumer?.trust.Statement[0].Principal).toEqual({ AWS: [sso] });
    expect(consumer?.policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['LakeFormationDataAccess', 'CatalogRead']);

    expect(await registryExists(C, 'music')).toBe(true);
    expect(await lfTagKeys(C)).toEqual({
      classification: ['confidential', 'internal'],
      domain: ['listeners', 'music', 'podcasts'],
      product: ['interactions', 'podcasts', 'songs', 'users'],
    });
    expect(await lockTable(C)).toEqual({ key: ['lockKey:HASH'], billing: 'PAY_PER_REQUEST', ttl: 'expires:ENABLED' });
    // Nothing lands in an account it does not belong to.
    expect(await roleNames(C)).not.toContain('mesh-music');
  });

  it('a re-run plans no change and makes 0 mutating calls', async () => {
    counter.reset();
    const { plan, applied } = await bootstrap(fx.workspace);
    expect(applied).toBe(false);
    expect(plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}: ${c.reason}`)).toEqual([]);
    expect(counter.mutating).toEqual([]);
    expect(counter.total).toBeGreaterThan(0);
  });

  it('a changed trusted principal is an update of that role alone', async () => {
    const ci = await createRole(U, 'team-ci');
    counter.reset();
    const ws = withTrusted(fx.workspace, 'recommendations', [sso, ci]);
    const { result } = await bootstrap(ws);
    expect(result?.applied.map((c) => `${c.action} ${c.key}`)).toEqual([`update iam-role:${U}/mesh-recommendations`]);
    expect(counter.mutating.map((c) => c.operation)).toEqual(['UpdateAssumeRolePolicy']);
    expect((await role(U, 'mesh-recommendations'))?.trust.Statement[0].Principal.AWS.sort()).toEqual([sso, ci].sort());
    fx.workspace = ws;
  });

  it('a trusted principal that does not exist is refused before any change', async () => {
    const other = freshAccounts();
    const fresh = musicFixture({ target: 'aws', accounts: other, bucket: `music-data-${other.producer}` });
    try {
      const missing = `arn:aws:iam::${other.consumer}:role/no-such-role`;
      counter.reset();
      const error = await bootstrap(withTrusted(fresh.workspace, 'recommendations', [missing])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MeshError);
      expect((error as MeshError).code).toBe('PrincipalNotFound');
      expect((error as MeshError).message).toContain(missing);
      expect((error as MeshError).hint).toContain('trustedPrincipals');
      expect(counter.mutating).toEqual([]);
      expect(await roleNames(other.central)).toEqual([]);
      expect(await roleNames(other.consumer)).toEqual([]);
      expect(await lockTable(other.central)).toBeUndefined();
    } finally {
      fresh.cleanup();
    }
  });
});
