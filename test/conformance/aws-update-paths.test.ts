// The update and delete paths of the AWS calls no other test reached, each through mesh's own code (the catalog
// adapter, the execution-role writer, the MSK topic admin) and each request checked against AWS's service model by
// the integration project's setupFile (test/support/aws-conformance-setup.ts). The state is read back with the SDK.
//   Glue UpdateDatabase, UpdateTable, GetTable · Lake Formation UpdateResource, DescribeResource, DeregisterResource,
//   UpdateLFTag, GetLFTag · IAM UpdateAssumeRolePolicy, TagRole · Kafka ListTopics, DeleteTopic (MSK topic API) ·
//   Glue UpdateJob (a transform's job)
import path from 'node:path';
import { GetDatabaseCommand, GetJobCommand, GetTableCommand, GlueClient, UpdateJobCommand } from '@aws-sdk/client-glue';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  DescribeTopicCommand,
  KafkaClient,
  ListTopicsCommand,
  UpdateTopicCommand,
} from '@aws-sdk/client-kafka';
import {
  CreateLFTagCommand,
  DescribeResourceCommand,
  GetLFTagCommand,
  LakeFormationClient,
  ListResourcesCommand,
  UpdateLFTagCommand,
  UpdateResourceCommand,
} from '@aws-sdk/client-lakeformation';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { AwsCatalogPort } from '../../src/catalog/aws/adapter.js';
import { desiredCatalog } from '../../src/catalog/desired.js';
import { catalogNaming } from '../../src/catalog/names.js';
import type { CatalogChange, CatalogSpec, DatabaseSpec, LfTagSpec, LocationSpec, TableSpec } from '../../src/catalog/port.js';
import { silentHost } from '../../src/core/messages.js';
import { executionRoleSpec, putExecutionRole } from '../../src/streams/functions/aws/execution-role.js';
import { mskTopicAdmin } from '../../src/streams/topics/aws/msk-topic-admin.js';
import { deployGlueTransform } from '../../src/transforms/aws/glue-job.js';
import { renderGlueJob } from '../../src/transforms/render-aws.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog } from '../catalog/fixtures.js';
import { createBucket } from '../catalog/moto-accounts.js';
import { runInProcess } from '../cli/run-cli.js';
import { sentOperations } from '../support/aws-conformance-setup.js';
import { accountClients, freshAccountId, freshAccounts, TEST_ROLE_NAME } from '../support/moto.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { central: C, producer: P } = accounts;
const bucket = `music-data-${P}`;
let fx: Fixture;
let port: AwsCatalogPort;
let specs: CatalogSpec[];

beforeAll(async () => {
  await createBucket(P, bucket);
  fx = musicFixture({ target: 'aws', accounts, bucket });
  const { applied } = await runCatalog(fx.workspace, PUBLISH_ALL);
  if (!applied) throw new Error('publish applied nothing');
  const naming = catalogNaming(fx.workspace, 'aws');
  port = new AwsCatalogPort(new AwsClients(), naming);
  specs = desiredCatalog(fx.workspace, PUBLISH_ALL, naming).resources.map((r) => r.spec);
});
afterAll(async () => {
  await port?.close();
  fx?.cleanup();
});

function change(action: CatalogChange['action'], spec: CatalogSpec, extra: Partial<CatalogChange> = {}): CatalogChange {
  // spec.kind is the resource type; TypeScript cannot correlate the two through a union.
  return {
    type: spec.kind,
    key: `test:${action}`,
    action,
    ref: { plane: 'catalog', type: spec.kind, id: 'test' },
    reason: 'test',
    ...(action === 'delete' ? { before: spec } : { after: spec }),
    dependsOn: [],
    ...extra,
  } as CatalogChange;
}

const find = <K extends CatalogSpec['kind']>(kind: K, pick: (s: Extract<CatalogSpec, { kind: K }>) => boolean = () => true) => {
  const found = specs.find((s): s is Extract<CatalogSpec, { kind: K }> => s.kind === kind && pick(s as Extract<CatalogSpec, { kind: K }>));
  if (!found) throw new Error(`no desired ${kind}`);
  return found;
};

const glue = async () => new GlueClient(await accountClients(C));
const lf = async () => new LakeFormationClient(await accountClients(C));

describe('Glue update paths', () => {
  it('UpdateDatabase: a new description is written to the central database', async () => {
    const db = find('glue-database') as DatabaseSpec;
    await port.execute(change('update', { ...db, description: 'changed by the update path' }, { attributes: { parameters: {} } }));
    const { Database } = await (await glue()).send(new GetDatabaseCommand({ Name: db.name }));
    expect(Database?.Description).toBe('changed by the update path');
  });

  it('UpdateTable: a new description is written; GetTable: re-creating an identical table is adopted', async () => {
    const table = find('glue-table') as TableSpec;
    const updated = { ...table, description: 'updated table description' };
    await port.execute(change('update', updated, { before: table, attributes: { parameters: {} } }));
    const read = await (await glue()).send(new GetTableCommand({ DatabaseName: table.database, Name: table.name }));
    expect(read.Table?.Description).toBe('updated table description');
    // create of a table that exists and matches: AlreadyExists → GetTable → the same → done
    await expect(port.execute(change('create', updated))).resolves.toMatchObject({
      arn: expect.stringContaining(`table/${table.database}/${table.name}`),
    });
  });
});

describe('Lake Formation update and delete paths', () => {
  it('DeregisterResource removes the registration; DescribeResource adopts a matching one on re-create', async () => {
    const location = find('lf-location') as LocationSpec;
    const client = await lf();
    await port.execute(change('delete', location));
    const listed = async () => ((await client.send(new ListResourcesCommand({}))).ResourceInfoList ?? []).map((r) => r.ResourceArn);
    expect(await listed()).not.toContain(location.resourceArn);
    await port.execute(change('create', location));
    // registered already with the same role: AlreadyExists → DescribeResource → the same role → done
    await expect(port.execute(change('create', location))).resolves.toEqual({ roleArn: location.roleArn });
    expect((await client.send(new DescribeResourceCommand({ ResourceArn: location.resourceArn }))).ResourceInfo?.RoleArn).toBe(
      location.roleArn,
    );
  });

  it('UpdateResource sends the new role (a fake LakeFormationClient: moto has no UpdateResource)', async () => {
    const location = find('lf-location') as LocationSpec;
    const other = { ...location, roleArn: `arn:aws:iam::${C}:role/OtherDataAccess` };
    const fake = mockClient(LakeFormationClient);
    try {
      fake.on(UpdateResourceCommand).resolves({});
      await expect(port.execute(change('update', other, { before: location }))).resolves.toEqual({ roleArn: other.roleArn });
      expect(fake.commandCalls(UpdateResourceCommand).map((c) => c.args[0].input)).toEqual([
        { ResourceArn: location.resourceArn, RoleArn: other.roleArn },
      ]);
    } finally {
      fake.restore();
    }
  });

  it('UpdateLFTag adds the new values to the LF-Tag', async () => {
    const tag = find('lf-tag') as LfTagSpec;
    await port.execute(change('update', { ...tag, values: [...tag.values, 'added-by-update'] }, { before: tag }));
    const { TagValues } = await (await lf()).send(new GetLFTagCommand({ TagKey: tag.key }));
    expect([...(TagValues ?? [])].sort()).toEqual([...tag.values, 'added-by-update'].sort());
  });

  it('GetLFTag: creating a tag that exists adds only the missing values (a fake client: moto overwrites on create)', async () => {
    const tag = find('lf-tag') as LfTagSpec;
    const fake = mockClient(LakeFormationClient);
    try {
      fake.on(CreateLFTagCommand).rejects(Object.assign(new Error('exists'), { name: 'AlreadyExistsException' }));
      fake.on(GetLFTagCommand).resolves({ CatalogId: C, TagKey: tag.key, TagValues: [...tag.values] });
      fake.on(UpdateLFTagCommand).resolves({});
      await port.execute(change('create', { ...tag, values: [...tag.values, 'added-by-create'] }));
      expect(fake.commandCalls(UpdateLFTagCommand).map((c) => c.args[0].input)).toEqual([
        { CatalogId: C, TagKey: tag.key, TagValuesToAdd: ['added-by-create'] },
      ]);
    } finally {
      fake.restore();
    }
  });
});

describe('Glue job update path of a transform', () => {
  it('UpdateJob: a job that differs from the rendered one is updated in place (a fake GlueClient: moto fails UpdateJob)', async () => {
    const base = path.join(fx.root, 'example');
    const init = await runInProcess(['init', '--example', 'music-streaming', '-C', base, '--json', '--yes']);
    if (init.code !== 0) throw new Error(`mesh init failed:\n${init.stderr}`);
    const ws = await loadWorkspace(base);
    const account = freshAccountId();
    const found = ws.domains.find((d) => d.name === 'recommendations');
    if (!found) throw new Error('no recommendations domain');
    const domain = { ...found, access: { account, region: 'us-east-1', roleArn: `arn:aws:iam::${account}:role/${TEST_ROLE_NAME}` } };
    const artefacts = renderGlueJob(ws, domain, 'items');
    await new S3Client(await accountClients(account)).send(
      new CreateBucketCommand({ Bucket: artefacts.scriptLocation.split('/')[2] ?? '' }),
    );
    const glue = mockClient(GlueClient);
    const clients = new AwsClients();
    try {
      glue.on(GetJobCommand).resolves({ Job: { ...artefacts.createJob, Description: 'changed by hand' } });
      glue.on(UpdateJobCommand).resolves({ JobName: artefacts.jobName });
      const result = await deployGlueTransform({
        workspace: ws,
        domain,
        transform: 'items',
        clients,
        run: false,
      });
      expect(result.job).toBe('updated');
      const sent = glue.commandCalls(UpdateJobCommand).map((c) => c.args[0].input);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ JobName: artefacts.jobName, JobUpdate: { Command: artefacts.createJob.Command } });
    } finally {
      glue.restore();
      clients.destroy();
    }
  });
});

describe('IAM update path of an execution role', () => {
  it('UpdateAssumeRolePolicy and TagRole on a role that exists', async () => {
    const iam = new IAMClient(await accountClients(C));
    const roleName = 'music-recommendations-update-path-exec';
    await iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
    );
    const policy = {
      Version: '2012-10-17' as const,
      Statement: [{ Sid: 'Logs', Effect: 'Allow' as const, Action: ['logs:CreateLogGroup'], Resource: ['*'] }],
    };
    const spec = executionRoleSpec(roleName, C, policy, { 'mesh:managed-by': 'mesh/music', 'mesh:function': 'update-path' });
    await putExecutionRole(iam, spec, true);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    expect(Object.fromEntries((Role?.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({ 'mesh:function': 'update-path' });
    expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')).toContain('lambda.amazonaws.com');
  });
});

describe('MSK topic API list and delete (a fake KafkaClient: moto has no topic API)', () => {
  it('ListTopics pages through the topics; DeleteTopic removes one and waits until it is gone', async () => {
    const clusterArn = `arn:aws:kafka:us-east-1:${C}:cluster/music/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2`;
    const kafka = mockClient(KafkaClient);
    try {
      kafka
        .on(ListTopicsCommand, { ClusterArn: clusterArn, NextToken: undefined })
        .resolves({ Topics: [{ TopicName: 'mesh.songs.song-changes.v1', PartitionCount: 3, ReplicationFactor: 3 }], NextToken: 'page-2' })
        .on(ListTopicsCommand, { ClusterArn: clusterArn, NextToken: 'page-2' })
        .resolves({ Topics: [{ TopicName: '__consumer_offsets' }, { TopicName: 'mesh.users.user-changes.v1' }] });
      kafka
        .on(DeleteTopicCommand)
        .resolves({ TopicArn: `${clusterArn}/topic`, TopicName: 'mesh.users.user-changes.v1', Status: 'DELETING' });
      kafka.on(DescribeTopicCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFoundException' }));
      const admin = mskTopicAdmin({
        client: new KafkaClient({ region: 'us-east-1' }),
        clusterArn,
        host: silentHost,
        pollInitialDelayMs: 1,
        sleep: async () => undefined,
      });
      expect(await admin.list()).toEqual(['mesh.songs.song-changes.v1', 'mesh.users.user-changes.v1']);
      await admin.delete('mesh.users.user-changes.v1');
      expect(kafka.commandCalls(DeleteTopicCommand).map((c) => c.args[0].input)).toEqual([
        { ClusterArn: clusterArn, TopicName: 'mesh.users.user-changes.v1' },
      ]);
    } finally {
      kafka.restore();
    }
  });
});

describe('MSK topic API create and update (a fake KafkaClient)', () => {
  it('CreateTopic then UpdateTopic with more partitions and the merged configs', async () => {
    const clusterArn = `arn:aws:kafka:us-east-1:${C}:cluster/music/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2`;
    const topicArn = `arn:aws:kafka:us-east-1:${C}:topic/music/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2/mesh.songs.song-changes.v1`;
    const kafka = mockClient(KafkaClient);
    try {
      const configs = Buffer.from(JSON.stringify({ 'retention.ms': '86400000' })).toString('base64');
      kafka.on(CreateTopicCommand).resolves({ TopicArn: topicArn, TopicName: 'mesh.songs.song-changes.v1', Status: 'CREATING' });
      kafka.on(UpdateTopicCommand).resolves({ TopicArn: topicArn, TopicName: 'mesh.songs.song-changes.v1', Status: 'UPDATING' });
      kafka.on(DescribeTopicCommand).resolves({
        TopicArn: topicArn,
        TopicName: 'mesh.songs.song-changes.v1',
        PartitionCount: 3,
        ReplicationFactor: 3,
        Configs: configs,
        Status: 'ACTIVE',
      });
      const admin = mskTopicAdmin({
        client: new KafkaClient({ region: 'us-east-1' }),
        clusterArn,
        host: silentHost,
        pollInitialDelayMs: 1,
        sleep: async () => undefined,
      });
      const spec = { name: 'mesh.songs.song-changes.v1', partitions: 3, replicationFactor: 3, configs: { 'retention.ms': '86400000' } };
      await expect(admin.create(spec)).resolves.toMatchObject({ topicArn });
      await admin.update(spec.name, { partitions: 6, configs: { 'cleanup.policy': 'delete' } });
      const [update] = kafka.commandCalls(UpdateTopicCommand).map((c) => c.args[0].input);
      expect(update).toMatchObject({ ClusterArn: clusterArn, TopicName: spec.name, PartitionCount: 6 });
      expect(JSON.parse(Buffer.from(update?.Configs ?? '', 'base64').toString('utf8'))).toEqual({
        'cleanup.policy': 'delete',
        'retention.ms': '86400000',
      });
    } finally {
      kafka.restore();
    }
  });
});

describe('coverage', () => {
  it('this file reached the 13 operations no other test reached', () => {
    expect(sentOperations()).toEqual(
      expect.arrayContaining([
        'Glue UpdateTable',
        'Glue UpdateDatabase',
        'Glue GetTable',
        'Glue UpdateJob',
        'LakeFormation DeregisterResource',
        'LakeFormation UpdateResource',
        'LakeFormation DescribeResource',
        'LakeFormation GetLFTag',
        'LakeFormation UpdateLFTag',
        'IAM TagRole',
        'IAM UpdateAssumeRolePolicy',
        'Kafka ListTopics',
        'Kafka DeleteTopic',
      ]),
    );
  });
});
