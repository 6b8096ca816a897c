// The aws target against moto, in three accounts (producer, central, consumer): what each account holds after
// publish, re-publish, subscribe and unsubscribe, every grant exactly, and how many AWS calls each step makes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallCounter, CountingAwsClients } from '../../src/catalog/aws/call-counter.js';
import { readCatalog } from '../../src/catalog/discovery.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import { freshAccounts } from '../support/moto.js';
import { type Fixture, musicFixture, PUBLISH_ALL, runCatalog, subscribe, unsubscribe } from './fixtures.js';
import { bucketPolicy, createBucket, databases, grants, lfTags, locations, tables, tableTags } from './moto-accounts.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

const accounts = freshAccounts();
const { central: C, producer: P, consumer: U } = accounts;
const bucket = `music-data-${P}`;
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/mesh-${name}`;
const dataAccessRole = `arn:aws:iam::${C}:role/MeshLfDataAccess`;
const counter = new AwsCallCounter();
const clients = new CountingAwsClients(counter);
let fx: Fixture;

const run = (scope: Parameters<typeof runCatalog>[1], allowed: string[] = []) =>
  runCatalog(fx.workspace, scope, { allowed, plane: { clients } });

/** The grants publishing gives each producer: its database, its bucket, and each of its tables. */
function producerGrants(): string[] {
  const own: Record<string, string[]> = { listeners: ['interactions', 'users'], music: ['songs'], podcasts: ['podcasts'] };
  return Object.entries(own).flatMap(([domain, products]) => [
    `${role(P, domain)} | database ${C}:music_${domain} | CREATE_TABLE,DESCRIBE | `,
    `${role(P, domain)} | location ${C}:arn:aws:s3:::${bucket} | DATA_LOCATION_ACCESS | `,
    ...products.map((t) => `${role(P, domain)} | table ${C}:music_${domain}.${t} | ALTER,DELETE,DESCRIBE,INSERT,SELECT | DESCRIBE,SELECT`),
  ]);
}

beforeAll(async () => {
  await createBucket(P, bucket);
  fx = musicFixture({ target: 'aws', accounts, bucket });
});
afterAll(() => fx.cleanup());

describe('aws target against moto (producer, central, consumer accounts)', () => {
  it('publish: the central account holds databases, tables, registration, LF-Tags and producer grants', async () => {
    counter.reset();
    const { applied } = await run(PUBLISH_ALL);
    expect(applied).toBe(true);
    expect(await databases(C)).toEqual(['music_listeners', 'music_music', 'music_podcasts']);
    const [songs] = await tables(C, 'music_music');
    expect(songs?.Name).toBe('songs');
    expect(songs?.StorageDescriptor?.Location).toBe(`s3://${bucket}/music/songs/`);
    expect(songs?.StorageDescriptor?.SerdeInfo).toEqual({
      SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
      Parameters: { 'field.delim': ',', 'serialization.format': ',' },
    });
    expect(songs?.StorageDescriptor?.Columns?.map((c) => `${c.Name}:${c.Type}`)).toEqual([
      'song_id:string',
      'title:string',
      'artist:string',
      'genre:string',
      'duration_seconds:int',
    ]);
    expect(songs?.Parameters).toMatchObject({
      'mesh:managed-by': 'mesh/music',
      'mesh:product-id': 'urn:mesh:music:music:songs',
      'mesh:version': '1.0.0',
      'mesh:owner': 'music-team',
      'mesh:classification': 'internal',
      classification: 'csv',
      'skip.header.line.count': '1',
    });
    expect(songs?.Owner).toBe(P);
    expect(await locations(C)).toEqual([`arn:aws:s3:::${bucket} as ${dataAccessRole}`]);
    expect(await lfTags(C)).toEqual({
      classification: ['confidential', 'internal'],
      domain: ['listeners', 'music', 'podcasts'],
      product: ['interactions', 'podcasts', 'songs', 'users'],
    });
    expect(await tableTags(C, 'music_music', 'songs')).toEqual({ classification: ['internal'], domain: ['music'], product: ['songs'] });
    expect(await grants(C)).toEqual(producerGrants().sort());
  });

  it('publish: the producer account holds database links and the bucket policy; the consumer holds nothing', async () => {
    expect(await databases(P)).toEqual([
      `mesh_listeners -> ${C}:music_listeners`,
      `mesh_music -> ${C}:music_music`,
      `mesh_podcasts -> ${C}:music_podcasts`,
    ]);
    const policy = (await bucketPolicy(P, bucket)) as { Statement: { Sid: string; Principal: unknown; Resource: string[] }[] };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Sid: 'MeshLfDataAccessmusic',
        Principal: { AWS: dataAccessRole },
        Resource: [
          `arn:aws:s3:::${bucket}`,
          `arn:aws:s3:::${bucket}/listeners/interactions/*`,
          `arn:aws:s3:::${bucket}/listeners/users/*`,
          `arn:aws:s3:::${bucket}/music/songs/*`,
          `arn:aws:s3:::${bucket}/podcasts/podcasts/*`,
        ],
      }),
    ]);
    expect(await databases(U)).toEqual([]);
  });

  it('publish: at most 3 AWS calls per table, grants batched, LF-Tags and the location once', () => {
    const ops = counter.byOperation();
    expect(ops['glue:CreateTable']).toBe(4);
    expect(ops['lakeformation:AddLFTagsToResource']).toBe(4);
    expect(ops['lakeformation:BatchGrantPermissions']).toBe(1);
    expect(ops['lakeformation:RegisterResource']).toBe(1);
    expect(ops['lakeformation:CreateLFTag']).toBe(3);
    expect(ops['s3:PutBucketPolicy']).toBe(1);
    expect(ops['s3:GetBucketPolicy']).toBe(1);
    expect(ops['glue:GetTable']).toBeUndefined();
  });

  it('re-publish: a no-op plan, no mutating call, few calls in all', async () => {
    counter.reset();
    const { plan, applied } = await run(PUBLISH_ALL);
    expect(hasPendingChanges(plan)).toBe(false);
    expect(applied).toBe(false);
    expect(counter.mutating).toEqual([]);
    expect(counter.total).toBeLessThan(20);
    expect(counter.byOperation()).toEqual({
      'glue:GetDatabases': 2,
      'glue:GetTables': 3,
      'lakeformation:ListLFTags': 1,
      'lakeformation:ListPermissions': 1,
      'lakeformation:ListResources': 1,
      's3:GetBucketPolicy': 1,
    });
  });

  it('subscribe: SELECT+DESCRIBE (a column subset for podcasts) to the consumer role, and its resource links', async () => {
    await run(subscribe('songs'));
    counter.reset();
    await run(subscribe('podcasts'));
    expect(
      counter.mutating
        .map((c) => `${c.service}:${c.operation}@${c.account === U ? 'consumer' : c.account === C ? 'central' : 'producer'}`)
        .sort(),
    ).toEqual(['glue:CreateDatabase@consumer', 'glue:CreateTable@consumer', 'lakeformation:BatchGrantPermissions@central']);
    const consumer = role(U, 'recommendations');
    expect(await grants(C)).toEqual(
      [
        ...producerGrants(),
        `${consumer} | database ${C}:music_music | DESCRIBE | `,
        `${consumer} | table ${C}:music_music.songs | DESCRIBE,SELECT | `,
        `${consumer} | database ${C}:music_podcasts | DESCRIBE | `,
        `${consumer} | table ${C}:music_podcasts.podcasts | DESCRIBE | `,
        `${consumer} | columns ${C}:music_podcasts.podcasts(genre,podcast_id,title) | SELECT | `,
      ].sort(),
    );
    expect(await databases(U)).toEqual(['mesh_music', 'mesh_podcasts']);
    const [link] = await tables(U, 'mesh_music');
    expect(link?.Name).toBe('songs');
    expect(link?.TargetTable).toEqual({ CatalogId: C, DatabaseName: 'music_music', Name: 'songs' });
    expect(await databases(P)).toHaveLength(3);
  });

  it('discovery reads the central catalog: products, owners, schema and subscribers, in a few list calls', async () => {
    counter.reset();
    const entries = await readCatalog(fx.workspace, 'aws', { clients });
    expect(counter.byOperation()).toEqual({ 'glue:GetDatabases': 1, 'glue:GetTables': 3, 'lakeformation:ListPermissions': 1 });
    expect(entries.map((e) => [e.name, e.domain, e.owner.team, e.published])).toEqual([
      ['interactions', 'listeners', 'listeners-team', true],
      ['podcasts', 'podcasts', 'podcasts-team', true],
      ['songs', 'music', 'music-team', true],
      ['users', 'listeners', 'listeners-team', true],
    ]);
    const podcasts = entries.find((e) => e.name === 'podcasts');
    expect(podcasts?.ports.table).toEqual({
      catalog: C,
      database: 'music_podcasts',
      table: 'podcasts',
      location: `s3://${bucket}/podcasts/podcasts/`,
      format: 'csv',
      partitionKeys: [],
    });
    expect(podcasts?.columns.find((c) => c.name === 'host_email')).toEqual({
      name: 'host_email',
      type: 'string',
      pii: true,
      partitionKey: false,
    });
    expect(podcasts?.subscribers).toEqual([
      { domain: 'recommendations', principal: role(U, 'recommendations'), columns: ['genre', 'podcast_id', 'title'] },
    ]);
    expect(entries.find((e) => e.name === 'songs')?.subscribers).toEqual([
      { domain: 'recommendations', principal: role(U, 'recommendations'), columns: 'all' },
    ]);
  });

  it('unsubscribe: grants revoked, the link and its emptied database removed; the other subscription stays', async () => {
    const { plan } = await run(unsubscribe('songs'), ['--allow-delete']);
    expect(plan.summary).toMatchObject({ revoke: 2, delete: 2 });
    const consumer = role(U, 'recommendations');
    expect(await grants(C)).toEqual(
      [
        ...producerGrants(),
        `${consumer} | database ${C}:music_podcasts | DESCRIBE | `,
        `${consumer} | table ${C}:music_podcasts.podcasts | DESCRIBE | `,
        `${consumer} | columns ${C}:music_podcasts.podcasts(genre,podcast_id,title) | SELECT | `,
      ].sort(),
    );
    expect(await databases(U)).toEqual(['mesh_podcasts']);
    counter.reset();
    const again = await run(unsubscribe('songs'), ['--allow-delete']);
    expect(hasPendingChanges(again.plan)).toBe(false);
    expect(counter.mutating).toEqual([]);
  });
});
