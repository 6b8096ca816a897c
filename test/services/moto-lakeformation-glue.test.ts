// The Lake Formation and Glue gaps a publish flow meets, as patched by scripts/moto_launcher.py (its gaps G2, G3,
// G6).
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetResourcePolicyCommand,
  GlueClient,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-glue';
import {
  AddLFTagsToResourceCommand,
  BatchGrantPermissionsCommand,
  BatchRevokePermissionsCommand,
  CreateLFTagCommand,
  GetResourceLFTagsCommand,
  LakeFormationClient,
  ListPermissionsCommand,
  type Resource,
} from '@aws-sdk/client-lakeformation';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AccountClientConfig, accountClients, freshAccounts } from '../support/moto.js';

const { central, consumer } = freshAccounts();
const database = 'sales';
const table = 'orders';
const tableResource: Resource = { Table: { CatalogId: central, DatabaseName: database, Name: table } };
let config: AccountClientConfig;
let glue: GlueClient;
let lakeformation: LakeFormationClient;

beforeAll(async () => {
  config = await accountClients(central);
  glue = new GlueClient(config);
  lakeformation = new LakeFormationClient(config);
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: { Name: table, StorageDescriptor: { Columns: [{ Name: 'order_id', Type: 'string' }] } },
    }),
  );
});

describe('Lake Formation in moto', () => {
  it('G3: GetResourceLFTags on an untagged table and database answers empty lists', async () => {
    const onTable = await lakeformation.send(new GetResourceLFTagsCommand({ Resource: tableResource }));
    expect(onTable.LFTagOnDatabase).toEqual([]);
    expect(onTable.LFTagsOnTable).toEqual([]);
    const onDatabase = await lakeformation.send(
      new GetResourceLFTagsCommand({ Resource: { Database: { CatalogId: central, Name: database } } }),
    );
    expect(onDatabase.LFTagOnDatabase).toEqual([]);

    // Tagged resources still answer their tags.
    await lakeformation.send(new CreateLFTagCommand({ TagKey: 'domain', TagValues: ['sales', 'ops'] }));
    const added = await lakeformation.send(
      new AddLFTagsToResourceCommand({ Resource: tableResource, LFTags: [{ TagKey: 'domain', TagValues: ['sales'] }] }),
    );
    expect(added.Failures ?? []).toEqual([]);
    const tagged = await lakeformation.send(new GetResourceLFTagsCommand({ Resource: tableResource }));
    expect(tagged.LFTagsOnTable).toEqual([{ CatalogId: central, TagKey: 'domain', TagValues: ['sales'] }]);
  });

  it('G6: BatchGrant/BatchRevokePermissions keep and remove PermissionsWithGrantOption', async () => {
    const principal = { DataLakePrincipalIdentifier: consumer };
    await lakeformation.send(
      new BatchGrantPermissionsCommand({
        Entries: [
          {
            Id: '1',
            Principal: principal,
            Resource: tableResource,
            Permissions: ['SELECT', 'DESCRIBE'],
            PermissionsWithGrantOption: ['SELECT'],
          },
        ],
      }),
    );
    const granted = await lakeformation.send(new ListPermissionsCommand({ Principal: principal, Resource: tableResource }));
    expect(granted.PrincipalResourcePermissions).toHaveLength(1);
    expect([...(granted.PrincipalResourcePermissions?.[0]?.Permissions ?? [])].sort()).toEqual(['DESCRIBE', 'SELECT']);
    expect(granted.PrincipalResourcePermissions?.[0]?.PermissionsWithGrantOption).toEqual(['SELECT']);

    await lakeformation.send(
      new BatchRevokePermissionsCommand({
        Entries: [
          {
            Id: '1',
            Principal: principal,
            Resource: tableResource,
            Permissions: ['SELECT', 'DESCRIBE'],
            PermissionsWithGrantOption: ['SELECT'],
          },
        ],
      }),
    );
    const revoked = await lakeformation.send(new ListPermissionsCommand({ Principal: principal, Resource: tableResource }));
    expect(revoked.PrincipalResourcePermissions ?? []).toEqual([]);
  });
});

describe('Glue in moto', () => {
  it('G2: GetResourcePolicy with no policy raises EntityNotFoundException; with one, returns it', async () => {
    await expect(glue.send(new GetResourcePolicyCommand({}))).rejects.toMatchObject({ name: 'EntityNotFoundException' });

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${consumer}:root` },
          Action: 'glue:GetTable',
          Resource: `arn:aws:glue:us-east-1:${central}:table/${database}/${table}`,
        },
      ],
    });
    await glue.send(new PutResourcePolicyCommand({ PolicyInJson: policy }));
    const stored = await glue.send(new GetResourcePolicyCommand({}));
    expect(JSON.parse(stored.PolicyInJson ?? '{}')).toEqual(JSON.parse(policy));
  });
});
