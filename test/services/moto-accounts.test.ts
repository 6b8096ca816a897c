// moto keeps accounts apart: credentials from accountClients(A) act in A only.
import { CreateDatabaseCommand, GetDatabaseCommand, GetDatabasesCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, inject, it } from 'vitest';
import { accountClients, freshAccounts } from '../support/moto.js';

const accounts = freshAccounts();

describe('moto accounts', () => {
  it('wires the services into every worker through env and inject', () => {
    const provided = inject('testServices');
    expect(process.env.AWS_ENDPOINT_URL).toBe(provided.awsEndpoint);
    expect(process.env.KAFKA_BROKERS).toBe(provided.kafkaBrokers.join(','));
    expect(process.env.AWS_ACCESS_KEY_ID).toBe('testing');
    expect(process.env.AWS_REGION).toBe('us-east-1');
  });

  it('acts in the assumed account', async () => {
    const sts = new STSClient(await accountClients(accounts.producer));
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(accounts.producer);
    expect(me.Arn).toContain(`arn:aws:sts::${accounts.producer}:assumed-role/mesh-test/`);
  });

  it("hides account A's Glue database from account B", async () => {
    const glueA = new GlueClient(await accountClients(accounts.producer));
    const glueB = new GlueClient(await accountClients(accounts.consumer));
    const name = 'orders_raw';
    await glueA.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name, Description: 'producer data' } }));

    const seenByA = await glueA.send(new GetDatabaseCommand({ Name: name }));
    expect(seenByA.Database?.Name).toBe(name);
    expect(seenByA.Database?.Description).toBe('producer data');

    await expect(glueB.send(new GetDatabaseCommand({ Name: name }))).rejects.toMatchObject({ name: 'EntityNotFoundException' });
    const listB = await glueB.send(new GetDatabasesCommand({}));
    expect((listB.DatabaseList ?? []).map((d) => d.Name)).not.toContain(name);
  });
});
