// The conformance check itself (test/support/aws-conformance-setup.ts, on every integration test): a request that
// breaks AWS's service model is not sent, rejects naming operation, member and constraint, and is recorded so the
// test that sent it fails; a fake's response that breaks the output shape is caught the same way. Each constraint
// kind is exercised against the botocore models exported to .services/models.
import { CreateDatabaseCommand, GetDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { DescribeCampaignCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { describeViolation, validate } from '../support/aws-conformance.js';
import { takeViolations } from '../support/aws-conformance-setup.js';
import { accountClients, freshAccountId } from '../support/moto.js';

const account = freshAccountId();

describe('requests against the service models', () => {
  it('a request that breaks the model is not sent, and names operation, member and constraint', async () => {
    const glue = new GlueClient(await accountClients(account));
    const name = `db_${'x'.repeat(300)}`;
    await expect(glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }))).rejects.toMatchObject({
      name: 'AwsConformanceError',
      message: expect.stringContaining('Glue CreateDatabase input DatabaseInput.Name: length 1..255 (got 303)'),
    });
    // the check recorded it for afterEach (taken here, so this test passes) ...
    expect(takeViolations().map(describeViolation)).toEqual([
      expect.stringMatching(/^Glue CreateDatabase input DatabaseInput\.Name: length 1\.\.255 \(got 303\)/),
    ]);
    // ... and nothing reached moto
    await expect(glue.send(new GetDatabaseCommand({ Name: name.slice(0, 255) }))).rejects.toMatchObject({
      name: 'EntityNotFoundException',
    });
  });

  it('checks required members, enums, patterns, list sizes and numeric ranges', () => {
    const lines = (service: string, op: string, input: unknown) => validate(service, op, 'input', input).map(describeViolation);
    expect(lines('Glue', 'GetTable', { DatabaseName: 'db' })).toEqual(['Glue GetTable input Name: required']);
    expect(lines('Lambda', 'CreateEventSourceMapping', { FunctionName: 'fn', StartingPosition: 'OLDEST' })).toEqual([
      'Lambda CreateEventSourceMapping input StartingPosition: enum [TRIM_HORIZON, LATEST, AT_TIMESTAMP] (got "OLDEST")',
    ]);
    expect(lines('Lambda', 'CreateEventSourceMapping', { FunctionName: 'fn', BatchSize: 0 })).toEqual([
      'Lambda CreateEventSourceMapping input BatchSize: range 1..10000 (got 0)',
    ]);
    expect(lines('IAM', 'TagRole', { RoleName: 'bad role!', Tags: [] })).toEqual([
      expect.stringMatching(/^IAM TagRole input RoleName: pattern /),
    ]);
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(lines('IAM', 'TagRole', { RoleName: 'role', Tags: tags })).toEqual(['IAM TagRole input Tags: list size 0..50 (got 51)']);
    expect(lines('Glue', 'NoSuchOperation', {})).toEqual([
      'Glue NoSuchOperation input (root): no operation NoSuchOperation in the Glue model',
    ]);
  });
});

describe('responses of the fakes against the output shapes', () => {
  it('a fake answer that AWS could not give fails the call, naming the member', async () => {
    const personalize = mockClient(PersonalizeClient);
    try {
      personalize
        .on(DescribeCampaignCommand)
        .resolves({ campaign: { campaignArn: 'arn:aws:personalize:us-east-1:1:campaign/c', minProvisionedTPS: 0 } });
      const client = new PersonalizeClient({ region: 'us-east-1' });
      await expect(
        client.send(new DescribeCampaignCommand({ campaignArn: 'arn:aws:personalize:us-east-1:1:campaign/c' })),
      ).rejects.toMatchObject({
        name: 'AwsConformanceError',
        message: expect.stringContaining('Personalize DescribeCampaign output campaign.minProvisionedTPS: range 1..∞ (got 0)'),
      });
      expect(takeViolations().map(describeViolation)).toEqual([
        'Personalize DescribeCampaign output campaign.minProvisionedTPS: range 1..∞ (got 0)',
      ]);
    } finally {
      personalize.restore();
    }
  });
});
