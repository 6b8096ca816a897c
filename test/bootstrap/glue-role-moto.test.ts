// Glue transforms (engine: glue) run as the domain role `mesh-<domain>`. On empty moto accounts, every call counted:
// a role `mesh bootstrap` made before the domain had a Glue transform is refused by the transform's preflight (no
// mutating call, naming the check and `mesh bootstrap`); `mesh bootstrap` then updates that role alone, so that IAM
// holds (read through the SDK directly) Glue's trust limited to the domain account and the job's S3 and logs access;
// a re-run makes 0 mutating calls and the preflight passes. A role the domain file names gets the manual fix.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightCommand } from '../../src/bootstrap/preflight.js';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { MeshError } from '../../src/core/errors.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture } from '../catalog/fixtures.js';
import { accountClients, freshAccounts } from '../support/moto.js';
import { createRole, role } from './accounts.js';
import { GLUE_DOMAIN, withGlueTransform } from './glue-fixture.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { producer: P, consumer: U } = accounts;
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter);
const ROLE = `mesh-${GLUE_DOMAIN}`;
let fx: Fixture;
let glue: Workspace;

const bootstrap = (workspace: Workspace) =>
  runBootstrap({ workspace, target: 'aws', signal: new AbortController().signal, plane: { clients } });

const transformPreflight = (workspace: Workspace) =>
  preflightCommand({ workspace, target: 'aws', clients, command: 'transform', domain: GLUE_DOMAIN, transform: 'items' });

async function refusal(run: Promise<unknown>): Promise<MeshError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MeshError)) throw new Error(`expected a MeshError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${P}` });
  glue = withGlueTransform(fx.workspace);
  // The artifact bucket the transform writes its script to (the preflight checks it; bootstrap does not make it).
  const s3 = new S3Client({ ...(await accountClients(U)), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: `music-${GLUE_DOMAIN}-${U}` }));
  s3.destroy();
  // Bootstrapped before the domain had a Glue transform.
  expect((await bootstrap(fx.workspace)).applied).toBe(true);
});
afterAll(() => fx.cleanup());

describe('the domain role a Glue transform runs as', () => {
  it('a role that does not trust Glue: the transform preflight refuses with no mutating call, naming mesh bootstrap', async () => {
    expect((await role(U, ROLE))?.trust.Statement.map((s: { Principal: unknown }) => s.Principal)).toEqual([
      { AWS: [`arn:aws:iam::${U}:root`] },
    ]);
    counter.reset();
    const error = await refusal(transformPreflight(glue));
    expect(error.code).toBe('PreflightFailed');
    expect(error.message).toContain(
      `domain role ${GLUE_DOMAIN}: the role ${ROLE} does not trust glue.amazonaws.com, so the domain's Glue jobs cannot run as it`,
    );
    expect(error.hint).toMatch(/^Run `mesh bootstrap`/);
    expect(error.hint).toContain('{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}');
    expect(counter.total).toBeGreaterThan(0);
    expect(counter.mutating).toEqual([]);
  });

  it('mesh bootstrap updates that role alone: Glue trusted, the job given its S3 and logs access', async () => {
    counter.reset();
    const { plan, applied } = await bootstrap(glue);
    expect(applied).toBe(true);
    expect(plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}: ${c.reason}`)).toEqual([
      `update iam-role:${U}/${ROLE}: trust policy, permissions differ`,
    ]);
    expect(counter.mutating.map((c) => c.operation).sort()).toEqual(['PutRolePolicy', 'UpdateAssumeRolePolicy']);

    const held = await role(U, ROLE);
    expect(held?.trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${U}:root`] }, Action: 'sts:AssumeRole' },
      {
        Sid: 'GlueJobs',
        Effect: 'Allow',
        Principal: { Service: 'glue.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    const artifacts = `arn:aws:s3:::music-${GLUE_DOMAIN}-${U}`;
    const bySid = Object.fromEntries(held?.policy.Statement.map((s: { Sid: string }) => [s.Sid, s]) ?? []);
    expect(Object.keys(bySid)).toEqual([
      'LakeFormationDataAccess',
      'CatalogRead',
      'GlueJobScripts',
      'GlueJobOutput',
      'GlueJobList',
      'GlueJobLogs',
    ]);
    expect(bySid.GlueJobScripts).toMatchObject({ Action: 's3:GetObject', Resource: `${artifacts}/transforms/${GLUE_DOMAIN}/*` });
    expect(bySid.GlueJobOutput).toMatchObject({
      Action: ['s3:DeleteObject', 's3:PutObject'],
      Resource: `${artifacts}/transforms/${GLUE_DOMAIN}/*/output*`,
    });
    expect(bySid.GlueJobList).toMatchObject({
      Resource: artifacts,
      Condition: { StringLike: { 's3:prefix': [`transforms/${GLUE_DOMAIN}/*`] } },
    });
    // The producers' roles: no Glue.
    expect(JSON.stringify((await role(P, 'mesh-music'))?.trust)).not.toContain('glue.amazonaws.com');
  });

  it('a re-run makes 0 mutating calls, and the transform preflight passes', async () => {
    counter.reset();
    const { plan, applied } = await bootstrap(glue);
    expect(applied).toBe(false);
    expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(counter.mutating).toEqual([]);
    counter.reset();
    await transformPreflight(glue);
    expect(counter.calls.some((c) => c.operation === 'GetRole')).toBe(true);
    expect(counter.mutating).toEqual([]);
  });

  it('a role the domain file names (roleName) that does not trust Glue: the fix is by hand, with the statement to add', async () => {
    await createRole(U, 'team-glue');
    const named = { ...glue, domains: glue.domains.map((d) => (d.name === GLUE_DOMAIN ? { ...d, roleName: 'team-glue' } : d)) };
    counter.reset();
    const error = await refusal(transformPreflight(named));
    expect(error.code).toBe('PreflightFailed');
    expect(error.message).toContain('the role team-glue does not trust glue.amazonaws.com');
    expect(error.hint).toMatch(/^Fix it by hand \(mesh bootstrap does not make these\)/);
    expect(error.hint).toContain('Add this statement to the trust policy of team-glue (roleName in ');
    expect(counter.mutating).toEqual([]);
  });
});
