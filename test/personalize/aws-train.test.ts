import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
} from '@aws-sdk/client-personalize';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { personalizeStatus, trainPersonalize } from '../../src/personalize/service.js';
import { FakePersonalize } from './fake-personalize.js';
import { ACCOUNT, type Fixture, INTERACTIONS_AVSC, makeFixture, recordingOutput } from './helpers.js';

let f: Fixture;
let fake: FakePersonalize;
let clients: AwsClients;
const TAGS = [
  { tagKey: 'mesh:managed-by', tagValue: 'mesh/music' },
  { tagKey: 'mesh:domain', tagValue: 'recommendations' },
];

beforeEach(() => {
  f = makeFixture();
  fake = new FakePersonalize();
  clients = new AwsClients();
});
afterEach(() => {
  fake.restore();
  clients.destroy();
  f.cleanup();
});

function ctx(output = recordingOutput(), signal?: AbortSignal) {
  return { workspace: f.workspace, target: 'aws' as const, host: output, clients, sleep: async () => {}, ...(signal ? { signal } : {}) };
}

describe('aws: mesh personalize train', () => {
  it('validates, uploads, then creates each resource with the exact parameters, walking its status to ACTIVE', async () => {
    const output = recordingOutput();
    const result = await trainPersonalize(ctx(output));
    const group = fake.arn('dataset-group/music-recs');
    expect(fake.pz.commandCalls(CreateDatasetGroupCommand)[0]?.args[0].input).toEqual({ name: 'music-recs', tags: TAGS });
    expect(fake.pz.commandCalls(CreateSchemaCommand).map((c) => c.args[0].input.name)).toEqual([
      'music-recs-interactions',
      'music-recs-items',
      'music-recs-users',
    ]);
    expect(fake.pz.commandCalls(CreateSchemaCommand)[0]?.args[0].input.schema).toBe(INTERACTIONS_AVSC);
    expect(fake.pz.commandCalls(CreateDatasetCommand)[1]?.args[0].input).toEqual({
      name: 'music-recs-items',
      schemaArn: fake.arn('schema/music-recs-items'),
      datasetGroupArn: group,
      datasetType: 'Items',
      tags: TAGS,
    });
    const bucket = `music-recommendations-${ACCOUNT}`;
    const interactions = result.datasets.find((d) => d.type === 'interactions');
    expect(fake.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: bucket,
      Key: `personalize/recommendations/interactions/${interactions?.fingerprint}.csv`,
      ContentType: 'text/csv',
    });
    expect(fake.pz.commandCalls(CreateDatasetImportJobCommand)[0]?.args[0].input).toEqual({
      jobName: expect.stringMatching(new RegExp(`^music-recs-interactions-f${interactions?.fingerprint}-\\d{12}$`)),
      datasetArn: fake.arn('dataset/music-recs/INTERACTIONS'),
      dataSource: { dataLocation: `s3://${bucket}/personalize/recommendations/interactions/${interactions?.fingerprint}.csv` },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/music-recommendations-personalize`,
      importMode: 'FULL',
      tags: TAGS,
    });
    expect(fake.pz.commandCalls(CreateSolutionCommand)[0]?.args[0].input).toEqual({
      name: 'music-recs-personalized',
      datasetGroupArn: group,
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      performHPO: false,
      performAutoTraining: false,
      tags: TAGS,
    });
    expect(fake.pz.commandCalls(CreateSolutionVersionCommand)[0]?.args[0].input).toEqual({
      solutionArn: fake.arn('solution/music-recs-personalized'),
      trainingMode: 'FULL',
      name: expect.stringMatching(/^v-[0-9a-f]{12}-full-\d{12}$/),
      tags: TAGS,
    });
    // the spinner lines (non-TTY) show each status the resource went through
    const log = output.stderr();
    for (const status of ['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']) expect(log).toContain(`dataset group music-recs: ${status}`);
    expect(log).toContain('solution version personalized (FULL): CREATE IN_PROGRESS');
    expect(result.solutions.map((s) => [s.solution, s.metrics.normalized_discounted_cumulative_gain_at_10, s.reused])).toEqual([
      ['personalized', 0.2, false],
      ['similar', 0.2, false],
    ]);
  });

  it('a second run with the same data makes no create call', async () => {
    await trainPersonalize(ctx());
    fake.pz.resetHistory();
    const again = await trainPersonalize(ctx());
    expect(fake.mutations()).toEqual([]);
    expect(again.solutions.every((s) => s.reused)).toBe(true);
  });

  it('CREATE FAILED stops the run with the reason, and the next run retries only that job', async () => {
    fake.failures.set('music-recs-items-', 'Input CSV is missing the column ITEM_ID');
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'JobFailed',
      message: expect.stringContaining('CREATE FAILED: Input CSV is missing the column ITEM_ID'),
    });
    expect(fake.pz.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
    fake.failures.clear();
    fake.pz.resetHistory();
    await trainPersonalize(ctx());
    expect(fake.pz.commandCalls(CreateDatasetImportJobCommand).map((c) => c.args[0].input.datasetArn)).toEqual([
      fake.arn('dataset/music-recs/ITEMS'),
    ]);
  });

  it('Ctrl-C while training leaves it resumable: status continues waiting and finishes the run', async () => {
    const controller = new AbortController();
    let describes = 0;
    fake.onDescribeVersion = () => {
      if (++describes === 1) controller.abort();
    };
    await expect(trainPersonalize(ctx(recordingOutput(), controller.signal))).rejects.toMatchObject({ code: 'Interrupted', exitCode: 130 });
    fake.onDescribeVersion = () => {};

    const peek = await personalizeStatus(ctx(), { wait: false });
    expect(peek.target).toBe('aws');
    if (peek.target !== 'aws') return;
    expect(peek.unfinishedTrain).toBe(true);
    expect(peek.pending.map((p) => [p.kind, p.label])).toEqual([
      ['solution-version', 'solution version personalized (FULL)'],
      ['solution-version', 'solution version similar (FULL)'],
    ]);

    fake.pz.resetHistory();
    const output = recordingOutput();
    const resumed = await personalizeStatus(ctx(output), { wait: true });
    if (resumed.target !== 'aws') return;
    expect(fake.mutations()).toEqual([]); // nothing created again
    expect(resumed.resumedTrain?.versions.map((v) => v.solution)).toEqual(['personalized', 'similar']);
    expect(resumed.unfinishedTrain).toBe(false);
    expect(resumed.solutions.find((s) => s.solution === 'personalized')?.latestVersionStatus).toBe('ACTIVE');
    expect(output.stderr()).toContain('Continuing the train run');
  });

  it('a solution that exists but differs fails with the difference, creating nothing', async () => {
    await trainPersonalize(ctx());
    const file = f.domain.personalizeFile as string;
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'recipe: user-personalization\n    autoTraining: false',
        'recipe: user-personalization\n    autoTraining: true',
      ),
    );
    fake.pz.resetHistory();
    const output = recordingOutput();
    await expect(trainPersonalize(ctx(output))).rejects.toMatchObject({
      code: 'PersonalizeDrift',
      message: expect.stringContaining('performAutoTraining: false in AWS, true in personalize.yaml'),
    });
    expect(output.stderr()).toContain('has autoTraining: true: Personalize trains (and bills) a new version every rate(7 days)');
    expect(fake.mutations()).toEqual([]);
  });
});

describe('aws: stops before any billable call', () => {
  it('a dataset too small: the rule, its count and examples; no AWS call at all', async () => {
    f.cleanup();
    f = makeFixture({ users: 12 });
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'PersonalizeDatasetInvalid',
      message: expect.stringMatching(/min-interactions \(\d+\)[\s\S]*min-active-users/),
      hint: expect.stringContaining('at least 1,000 interactions'),
    });
    expect(fake.pz.calls()).toHaveLength(0);
    expect(fake.s3.calls()).toHaveLength(0);
    expect(fake.iam.calls()).toHaveLength(0);
  });

  it('a bucket without a policy for Personalize: the fix named, nothing uploaded, no Personalize call', async () => {
    fake.s3
      .on((await import('@aws-sdk/client-s3')).GetBucketPolicyCommand)
      .rejects(Object.assign(new Error('The bucket policy does not exist'), { name: 'NoSuchBucketPolicy' }));
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'PersonalizeBucketPolicy',
      hint: expect.stringContaining('"Service":"personalize.amazonaws.com"'),
    });
    expect(fake.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(fake.pz.calls()).toHaveLength(0);
  });

  it('a missing service role: the fix named, no Personalize call', async () => {
    fake.iam
      .on((await import('@aws-sdk/client-iam')).GetRoleCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'NoSuchEntityException' }));
    await expect(trainPersonalize(ctx())).rejects.toMatchObject({
      code: 'PersonalizeRoleMissing',
      hint: expect.stringContaining('aws iam create-role'),
    });
    expect(fake.pz.calls()).toHaveLength(0);
  });
});
