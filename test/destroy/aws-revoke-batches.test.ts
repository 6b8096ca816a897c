// The destroy plane's revokes, batched: every grant of one account is revoked by its group's leader in
// BatchRevokePermissions calls of at most 20 entries (the API's limit), and each entry's failure stays its own
// change's error. Lake Formation is mocked (aws-sdk-client-mock); the conformance check holds requests and answers
// to the service model.
import { BatchRevokePermissionsCommand, type BatchRevokePermissionsRequest, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { RevokeBatcher } from '../../src/destroy/aws-grants.js';
import type { Change } from '../../src/engine/plan.js';

const A = '111122223333';
const B = '444455556666';
const lf = mockClient(LakeFormationClient);
afterAll(() => lf.restore());

const clients = { get: async () => new LakeFormationClient({ region: 'us-east-1' }) } as unknown as AwsClients;
const access = (account: string) => ({ account, region: 'us-east-1', roleArn: `arn:aws:iam::${account}:role/mesh` });

function grant(account: string, n: number, dependsOn: string[] = []): Change {
  const principal = `arn:aws:iam::${account}:role/reader-${n}`;
  return {
    type: 'destroy',
    key: `destroy:grant:${account}:${n}`,
    action: 'revoke',
    ref: { plane: 'catalog', type: 'destroy', id: `grant:${account}:${n}`, account },
    reason: 'made by this workspace',
    before: {
      kind: 'lf-grant',
      account,
      subscriber: false,
      entry: {
        Principal: { DataLakePrincipalIdentifier: principal },
        Resource: { Table: { CatalogId: account, DatabaseName: 'music_songs', Name: `t${n}` } },
        Permissions: ['SELECT'],
      },
    },
    dependsOn,
  };
}

describe('RevokeBatcher', () => {
  it('revokes 45 + 3 grants in 4 calls of at most 20, and reports each failed entry on its own change', async () => {
    lf.on(BatchRevokePermissionsCommand).callsFake((input: BatchRevokePermissionsRequest) => {
      const denied = input.Entries?.find((e) => e.Resource?.Table?.Name === 't23');
      const gone = input.Entries?.find((e) => e.Resource?.Table?.Name === 't24');
      return {
        Failures: [
          ...(denied ? [{ RequestEntry: denied, Error: { ErrorCode: 'AccessDeniedException', ErrorMessage: 'no admin' } }] : []),
          ...(gone
            ? [
                {
                  RequestEntry: gone,
                  Error: { ErrorCode: 'InvalidInputException', ErrorMessage: 'Grantee has no permissions on the resource' },
                },
              ]
            : []),
        ],
      };
    });
    const batcher = new RevokeBatcher(clients, access);
    const changes = [
      ...Array.from({ length: 45 }, (_, i) => grant(A, i, i === 7 ? ['catalog:unsubscribe-1'] : ['catalog:unsubscribe-0'])),
      ...Array.from({ length: 3 }, (_, i) => grant(B, i)),
    ];
    const prepared = batcher.prepare(changes);
    // The leader of A carries the group's dependencies; the others wait for it.
    expect(prepared[0]?.dependsOn).toEqual(['catalog:unsubscribe-0', 'catalog:unsubscribe-1']);
    expect(new Set(prepared.slice(1, 45).flatMap((c) => c.dependsOn))).toEqual(new Set([changes[0]?.key]));

    const results = await Promise.allSettled(prepared.map((c) => batcher.run(c)));
    const calls = lf.commandCalls(BatchRevokePermissionsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.CatalogId, c.Entries?.length])).toEqual([
      [A, 20],
      [A, 20],
      [A, 5],
      [B, 3],
    ]);
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ key: prepared[i]?.key, error: r.reason as Error }] : []));
    // t24 was not granted any more: done. t23 was refused: its change fails, naming the principal; the rest succeeded.
    expect(failed.map((f) => f.key)).toEqual([`destroy:grant:${A}:23`]);
    expect(failed[0]?.error).toMatchObject({ code: 'AccessDenied' });
    expect(failed[0]?.error.message).toContain(`arn:aws:iam::${A}:role/reader-23`);
  });
});
