// AWS operations that only a rare path of src sends, each reached here the way a user reaches it, against moto and
// under the conformance check (test/support/aws-conformance-setup.ts validates every request against the service
// model; the log it writes says which operations a src/ file sent: `node test/conformance/src-operations.mjs`).
//   - Athena StopQueryExecution: the user interrupts the wait for a query; mesh stops it rather than let it bill on.
//   - IAM GetUser: bootstrap checks that a trusted principal that is an IAM user exists before any change.
import { AthenaClient, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { MeshError } from '../../src/core/errors.js';
import type { IoHost, IoMessage } from '../../src/core/messages.js';
import { runAthenaSelect } from '../../src/transforms/athena/select.js';
import type { Workspace } from '../../src/workspace/model.js';
import { role, roleNames } from '../bootstrap/accounts.js';
import { musicFixture } from '../catalog/fixtures.js';
import { sentFromSrc } from '../support/aws-conformance-setup.js';
import { accountClients, freshAccounts } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

describe('rare paths of src, against moto under the conformance check', () => {
  it('a query whose wait is interrupted is stopped in Athena (StopQueryExecution)', async () => {
    const accounts = freshAccounts();
    const account = accounts.consumer;
    const fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${accounts.producer}` });
    cleanups.push(fx.cleanup);
    const workspace = fx.workspace;
    const domain = workspace.domains.find((d) => d.name === 'recommendations');
    if (!domain) throw new Error('the fixture has no recommendations domain');
    const athena = new AthenaClient(await accountClients(account));
    const controller = new AbortController();
    const messages: string[] = [];
    // The user presses Ctrl-C as the wait for the query begins.
    const host: IoHost = {
      notify: (m: IoMessage) => {
        messages.push(m.code);
        if (m.code === 'progress.start') controller.abort();
      },
      request: async (r) => r.defaultAnswer as never,
    };
    const error = await runAthenaSelect(
      {
        workspace,
        domain,
        athena,
        workGroup: 'primary',
        outputLocation: `s3://music-recommendations-${account}/athena/`,
        configFile: domain.file,
        host,
        signal: controller.signal,
        rerun: 'Run `mesh transform items --domain recommendations` again.',
      },
      // recommendations subscribes to songs with table access: the query reads its resource link
      'SELECT * FROM songs',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect((error as MeshError).code).toBe('Interrupted');
    expect((error as MeshError).message).toContain('the query was cancelled in Athena');
    expect((error as MeshError).hint).toBe('Run `mesh transform items --domain recommendations` again.');
    // What Athena holds: the one query, cancelled.
    const ids = (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary' }))).QueryExecutionIds ?? [];
    expect(ids).toHaveLength(1);
    const state = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: ids[0] }))).QueryExecution?.Status?.State;
    expect(state).toBe('CANCELLED');
    athena.destroy();
    expect(sentFromSrc()).toContain('Athena StopQueryExecution');
  });

  it('bootstrap refuses a trusted IAM user that does not exist (GetUser), and trusts it once it does', async () => {
    const accounts = freshAccounts();
    const fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${accounts.producer}` });
    cleanups.push(fx.cleanup);
    const user = `arn:aws:iam::${accounts.consumer}:user/ci-deployer`;
    const workspace: Workspace = {
      ...fx.workspace,
      domains: fx.workspace.domains.map((d) => (d.name === 'recommendations' ? { ...d, trustedPrincipals: [user] } : d)),
    };
    const clients = new AwsClients();
    const bootstrap = () => runBootstrap({ workspace, target: 'aws', signal: new AbortController().signal, plane: { clients } });
    try {
      const error = await bootstrap().catch((e: unknown) => e);
      expect((error as MeshError).code).toBe('PrincipalNotFound');
      expect((error as MeshError).message).toContain(user);
      expect(await roleNames(accounts.consumer)).toEqual([]);

      const iam = new IAMClient(await accountClients(accounts.consumer));
      await iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }));
      iam.destroy();
      const { applied } = await bootstrap();
      expect(applied).toBe(true);
      expect((await role(accounts.consumer, 'mesh-recommendations'))?.trust.Statement[0].Principal.AWS).toEqual([user]);
    } finally {
      clients.destroy();
    }
    expect(sentFromSrc()).toContain('IAM GetUser');
  });
});
