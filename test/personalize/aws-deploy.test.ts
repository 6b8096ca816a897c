import { CreateCampaignCommand, CreateEventTrackerCommand, CreateFilterCommand, UpdateCampaignCommand } from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { personalizeEnvironment, readPersonalizeOutputs } from '../../src/personalize/outputs.js';
import { deployPersonalize, rollbackPersonalize, trainPersonalize } from '../../src/personalize/service.js';
import { FakePersonalize } from './fake-personalize.js';
import { type Fixture, makeFixture, recordingOutput } from './helpers.js';

let f: Fixture;
let fake: FakePersonalize;
let clients: AwsClients;
const TAGS = [
  { tagKey: 'mesh:managed-by', tagValue: 'mesh/music' },
  { tagKey: 'mesh:domain', tagValue: 'recommendations' },
];
/** NDCG@10 of the n-th version of each solution. */
let ndcg: number[] = [];

beforeEach(() => {
  f = makeFixture();
  fake = new FakePersonalize();
  fake.metricsFor = (_solution, n) => ({ normalized_discounted_cumulative_gain_at_10: ndcg[n - 1] ?? 0.2, precision_at_10: 0.1 });
  ndcg = [0.3, 0.3, 0.3];
  clients = new AwsClients();
});
afterEach(() => {
  fake.restore();
  clients.destroy();
  f.cleanup();
});

const ctx = (output = recordingOutput()) => ({
  workspace: f.workspace,
  target: 'aws' as const,
  host: output,
  clients,
  sleep: async () => {},
});
const v = (solution: string, n: number) => fake.arn(`solution/music-recs-${solution}/v${n}`);

async function trainAndDeploy() {
  await trainPersonalize(ctx());
  return deployPersonalize(ctx());
}

describe('aws: mesh personalize deploy', () => {
  it('creates filters, the event tracker and the campaigns, and writes the outputs the handlers read', async () => {
    const result = await trainAndDeploy();
    const group = fake.arn('dataset-group/music-recs');
    expect(fake.pz.commandCalls(CreateFilterCommand).map((c) => c.args[0].input)).toEqual([
      {
        name: 'music-recs-exclude-played',
        datasetGroupArn: group,
        filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("play")',
        tags: TAGS,
      },
      {
        name: 'music-recs-podcasts-only',
        datasetGroupArn: group,
        filterExpression: 'INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("podcast")',
        tags: TAGS,
      },
    ]);
    expect(fake.pz.commandCalls(CreateEventTrackerCommand)[0]?.args[0].input).toEqual({
      name: 'music-recs-events',
      datasetGroupArn: group,
      tags: TAGS,
    });
    expect(fake.pz.commandCalls(CreateCampaignCommand).map((c) => c.args[0].input)).toEqual([
      { name: 'music-recs-personalized', solutionVersionArn: v('personalized', 1), minProvisionedTPS: 1, tags: TAGS },
      { name: 'music-recs-similar', solutionVersionArn: v('similar', 1), minProvisionedTPS: 1, tags: TAGS },
    ]);
    expect(result.deployments.map((d) => d.action)).toEqual(['create', 'create']);
    const outputs = readPersonalizeOutputs(f.workspace, 'recommendations');
    expect(outputs).toMatchObject({
      target: 'aws',
      campaignArn: fake.arn('campaign/music-recs-personalized'),
      itemsDatasetArn: fake.arn('dataset/music-recs/ITEMS'),
      usersDatasetArn: fake.arn('dataset/music-recs/USERS'),
      filterArns: { 'exclude-played': fake.arn('filter/music-recs-exclude-played') },
    });
    expect(personalizeEnvironment(outputs).PERSONALIZE_TRACKING_ID).toMatch(/^tracking-/);
    // again: nothing to change
    fake.pz.resetHistory();
    const again = await deployPersonalize(ctx());
    expect(again.deployments.map((d) => d.action)).toEqual(['unchanged', 'unchanged']);
    expect(fake.mutations()).toEqual([]);
  });

  it('gate: a worse version is refused before any change; --force deploys it and says so', async () => {
    ndcg = [0.3, 0.25];
    await trainAndDeploy();
    await trainPersonalize(ctx(), { newVersion: true, solutions: ['personalized'] });
    fake.pz.resetHistory();
    await expect(deployPersonalize(ctx(), { solutions: ['personalized'] })).rejects.toMatchObject({
      code: 'PersonalizeGateRefused',
      message: expect.stringContaining(
        'normalized_discounted_cumulative_gain_at_10 0.2500 is 0.0500 below the deployed 0.3000 (allowed drop 0.0100)',
      ),
      hint: expect.stringContaining('--force'),
    });
    expect(fake.mutations()).toEqual([]);

    const output = recordingOutput();
    const forced = await deployPersonalize(ctx(output), { solutions: ['personalized'], force: true });
    expect(fake.pz.commandCalls(UpdateCampaignCommand).map((c) => c.args[0].input)).toEqual([
      { campaignArn: fake.arn('campaign/music-recs-personalized'), solutionVersionArn: v('personalized', 2), minProvisionedTPS: 1 },
    ]);
    expect(forced.deployments[0]).toMatchObject({ action: 'update', previousVersionArn: v('personalized', 1), gate: { pass: false } });
    expect(output.stderr()).toContain('--force: deploying solution "personalized" although the gate refuses it');
    expect(output.stderr()).toContain('campaign music-recs-personalized (update): CREATE IN_PROGRESS');
  });

  it('gate: a version within the threshold is deployed; rollback returns the campaign to the previous version', async () => {
    ndcg = [0.3, 0.295];
    await trainAndDeploy();
    await trainPersonalize(ctx(), { newVersion: true, solutions: ['personalized'] });
    const updated = await deployPersonalize(ctx(), { solutions: ['personalized'] });
    expect(updated.deployments[0]).toMatchObject({ action: 'update', solutionVersionArn: v('personalized', 2), gate: { pass: true } });

    fake.pz.resetHistory();
    const back = await rollbackPersonalize(ctx(), { solutions: ['personalized'] });
    expect(fake.pz.commandCalls(UpdateCampaignCommand).map((c) => c.args[0].input)).toEqual([
      { campaignArn: fake.arn('campaign/music-recs-personalized'), solutionVersionArn: v('personalized', 1), minProvisionedTPS: 1 },
    ]);
    expect(back.deployments[0]).toMatchObject({
      action: 'rollback',
      solutionVersionArn: v('personalized', 1),
      previousVersionArn: v('personalized', 2),
    });
    await expect(rollbackPersonalize(ctx(), { solutions: ['personalized'] })).rejects.toMatchObject({
      code: 'PersonalizeNothingToRollBack',
    });
  });

  it('a campaign TPS above the ceiling stops before any call', async () => {
    await expect(deployPersonalize(ctx(), { minProvisionedTPS: 6 })).rejects.toMatchObject({
      code: 'PersonalizeTpsAboveCeiling',
      message: expect.stringContaining('6 TPS, above the ceiling of 5'),
    });
    expect(fake.pz.calls()).toHaveLength(0);
  });

  it('deploy before train says so', async () => {
    await expect(deployPersonalize(ctx())).rejects.toMatchObject({
      code: 'PersonalizeNotTrained',
      hint: expect.stringContaining('mesh personalize train'),
    });
    expect(fake.mutations()).toEqual([]);
  });

  it('a campaign that failed is replaced: deleted, then created again, outputs pointing at the new one', async () => {
    await trainPersonalize(ctx());
    fake.failures.set('music-recs-personalized', 'not enough capacity');
    await expect(deployPersonalize(ctx(), { solutions: ['personalized'] })).rejects.toMatchObject({
      code: 'JobFailed',
      message: expect.stringContaining('not enough capacity'),
    });
    fake.failures.clear();
    fake.pz.resetHistory();
    const replaced = await deployPersonalize(ctx(), { solutions: ['personalized'] });
    expect(replaced.deployments[0]).toMatchObject({ action: 'replace', solutionVersionArn: v('personalized', 1) });
    expect(fake.mutations().map((m) => m.command)).toEqual(['DeleteCampaign', 'CreateCampaign']);
    expect(readPersonalizeOutputs(f.workspace, 'recommendations')?.campaigns.personalized).toBe(replaced.deployments[0]?.campaignArn);
  });
});
