// A domain file names the profile or role mesh uses for its account. `mesh bootstrap` and `mesh destroy` make or
// remove what the full preflight checks for, so they skipped it; a file naming another team's role then had bootstrap
// make the domain's role (trusting the domain's account) inside that other team's account. Both now check, before any
// change, that each account's credentials are that account's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBootstrap } from '../../src/bootstrap/run.js';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture } from '../catalog/fixtures.js';
import { failureOf } from '../support/cli-harness.js';
import { freshAccounts } from '../support/moto.js';
import { roleNames } from './accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { producer: P, consumer: U } = accounts;
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter);
let fx: Fixture;

/** `domain`'s file names a role in `account` (another team's) for its own account. */
const withRoleIn = (ws: Workspace, domain: string, account: string): Workspace => ({
  ...ws,
  domains: ws.domains.map((d) =>
    d.name === domain ? { ...d, access: { ...d.access, roleArn: `arn:aws:iam::${account}:role/mesh-test` } } : d,
  ),
});

beforeAll(() => {
  fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${P}` });
});
afterAll(() => fx.cleanup());

describe('mesh bootstrap with credentials of another account', () => {
  it('stops before any change, naming the account the credentials are for', async () => {
    const producer = fx.workspace.domains.find((d) => d.access.account === P)?.name as string;
    counter.reset();
    const failure = await failureOf(
      runBootstrap({
        workspace: withRoleIn(fx.workspace, producer, U),
        target: 'aws',
        signal: new AbortController().signal,
        lock: { timeoutMs: 0 },
        clients,
        plane: { clients },
      }),
      'bootstrap with a role in another account',
    );
    expect(failure.code).toBe('PreflightFailed');
    expect(failure.message).toContain(`credentials are for account ${U}, the files say ${P}`);
    expect(counter.mutating).toEqual([]);
    expect(await roleNames(U)).not.toContain(`mesh-${producer}`);
  });
});
