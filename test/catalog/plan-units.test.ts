// The pure parts of the catalog plane: breaking-change detection, grant diffs, bucket-policy merge, grant batching
// and which list calls a plan needs.
import { afterAll, describe, expect, it } from 'vitest';
import { grantEntries, mergePolicy, meshStatementOf, parsePolicy } from '../../src/catalog/aws/lf-shapes.js';
import { tableDifferences } from '../../src/catalog/compare.js';
import { desiredCatalog, tableSpecFor } from '../../src/catalog/desired.js';
import { GrantBatcher, isGrantChange } from '../../src/catalog/grant-batcher.js';
import { catalogNaming } from '../../src/catalog/names.js';
import { queriesFor } from '../../src/catalog/plane.js';
import type { CatalogChange, CatalogPort, GrantChange, GrantOutcome, GrantSpec } from '../../src/catalog/port.js';
import type { Change } from '../../src/engine/plan.js';
import { musicFixture } from './fixtures.js';

const fx = musicFixture({ target: 'aws', accounts: { central: '222222222222', producer: '111111111111', consumer: '333333333333' } });
const naming = catalogNaming(fx.workspace, 'aws');
const songs = fx.workspace.products.find((p) => p.name === 'songs');
const music = fx.workspace.domains.find((d) => d.name === 'music');
if (!songs || !music) throw new Error('fixture');
afterAll(() => fx.cleanup());

describe('table differences', () => {
  const base = tableSpecFor(songs, music, naming);
  it('marks dropped and retyped columns breaking, added ones not', () => {
    const next = tableSpecFor(
      {
        ...songs,
        columns: [
          ...songs.columns
            .filter((c) => c.name !== 'artist')
            .map((c) => (c.name === 'duration_seconds' ? { ...c, type: 'bigint' as const } : c)),
          { name: 'bpm', type: 'int', required: false, pii: false, primaryKey: false },
        ],
      },
      music,
      naming,
    );
    expect(tableDifferences(next, base)).toEqual({
      breaking: ['column artist dropped', 'column duration_seconds retyped int → bigint'],
      other: ['column bpm added'],
    });
  });
  it('sees no difference between a spec and itself', () => {
    expect(tableDifferences(base, base)).toEqual({ breaking: [], other: [] });
  });
});

describe('grant entries', () => {
  const grant = (permissions: string[], columns?: string[]): GrantSpec => ({
    kind: 'lf-grant',
    catalog: 'C',
    principal: 'arn:aws:iam::3:role/r',
    resource: columns
      ? { kind: 'columns', catalog: 'C', database: 'db', table: 't', columns }
      : { kind: 'table', catalog: 'C', database: 'db', table: 't' },
    permissions,
    grantable: [],
  });
  it('revokes only what is no longer wanted on the same resource', () => {
    const { revoke, grant: add } = grantEntries('k', grant(['DESCRIBE', 'SELECT']), grant(['DESCRIBE']));
    expect(revoke.map((e) => e.entry.Permissions)).toEqual([['SELECT']]);
    expect(add.map((e) => e.entry.Permissions)).toEqual([['DESCRIBE']]);
  });
  it('revokes the old column grant whole (as listed) when the columns change', () => {
    const raw = { TableWithColumns: { DatabaseName: 'db', Name: 't', ColumnNames: ['a'] } };
    const { revoke, grant: add } = grantEntries('k', grant(['SELECT'], ['a']), grant(['SELECT'], ['a', 'b']), raw);
    expect(revoke).toEqual([
      { key: 'k', entry: { Principal: { DataLakePrincipalIdentifier: 'arn:aws:iam::3:role/r' }, Resource: raw, Permissions: ['SELECT'] } },
    ]);
    expect(add[0]?.entry.Resource).toEqual({
      TableWithColumns: { CatalogId: 'C', DatabaseName: 'db', Name: 't', ColumnNames: ['a', 'b'] },
    });
  });
});

describe('bucket policy', () => {
  it("replaces mesh's statement and keeps everyone else's", () => {
    const other = { Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::b' };
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [other, { Sid: 'Mesh', Principal: { AWS: 'old' }, Action: 's3:GetObject', Resource: 'x' }],
    });
    const merged = mergePolicy(text, {
      sid: 'Mesh',
      principal: 'arn:role',
      actions: ['s3:GetObject', 's3:ListBucket'],
      resources: ['arn:aws:s3:::b', 'arn:aws:s3:::b/p/*'],
    });
    const doc = parsePolicy(merged);
    expect(doc.Statement?.[0]).toEqual(other);
    expect(meshStatementOf(doc, 'Mesh')).toEqual({
      sid: 'Mesh',
      principal: 'arn:role',
      actions: ['s3:GetObject', 's3:ListBucket'],
      resources: ['arn:aws:s3:::b', 'arn:aws:s3:::b/p/*'],
    });
  });
});

describe('grant batching', () => {
  it('makes the group wait for all its dependencies (the others for its leader) and sends it once', async () => {
    const calls: number[] = [];
    const port = {
      applyGrants: async (changes: readonly CatalogChange[]) => {
        calls.push(changes.length);
        return new Map<string, GrantOutcome>(changes.map((c) => [c.key, { ok: true }]));
      },
    } as unknown as CatalogPort;
    // Only the fields the batcher reads (a grant's catalog), hence the cast.
    const g = (key: string, dep: string): GrantChange => ({
      type: 'lf-grant',
      key,
      action: 'grant',
      ref: { plane: 'catalog', type: 'lf-grant', id: key },
      reason: '',
      after: { kind: 'lf-grant', catalog: 'C' } as GrantSpec,
      dependsOn: [dep],
    });
    const table = (key: string): Change => ({
      type: 'glue-table',
      key,
      action: 'create',
      ref: { plane: 'catalog', type: 'glue-table', id: key },
      reason: '',
      dependsOn: [],
    });
    const batcher = new GrantBatcher(port);
    const prepared = batcher.prepare([table('t1'), table('t2'), g('g1', 't1'), g('g2', 't2')]);
    expect(prepared.filter((c) => c.ref.type === 'lf-grant').map((c) => c.dependsOn)).toEqual([['t1', 't2'], ['g1']]);
    await Promise.all(prepared.filter(isGrantChange).map((c) => batcher.run(c)));
    expect(calls).toEqual([2]);
  });
});

describe('list calls a plan needs', () => {
  it('publishing reads each account once per kind, and tables only of the domains it touches', () => {
    const desired = desiredCatalog(fx.workspace, { products: ['songs'], include: { publish: true, subscriptions: false } }, naming);
    expect(queriesFor(fx.workspace, desired, naming)).toEqual([
      {
        catalog: '222222222222',
        databases: true,
        permissions: true,
        locations: true,
        tags: true,
        tablesOf: ['music_music'],
        buckets: undefined,
      },
      { catalog: '111111111111', databases: true, buckets: ['music-data'], tablesOf: undefined },
    ]);
  });
});

describe('grants as Lake Formation lists them', () => {
  it('reads SELECT on a whole table listed as TableWithColumns with a ColumnWildcard as a table grant', async () => {
    const { grantSpecOf, sameShape } = await import('../../src/catalog/aws/lf-shapes.js');
    const listed = { TableWithColumns: { CatalogId: 'C', DatabaseName: 'db', Name: 't', ColumnWildcard: {} } };
    const spec = grantSpecOf('C', { Principal: { DataLakePrincipalIdentifier: 'arn:r' }, Resource: listed, Permissions: ['SELECT'] });
    expect(spec?.resource).toEqual({ kind: 'table', catalog: 'C', database: 'db', table: 't' });
    expect(spec && sameShape(listed, spec.resource)).toBe(false);
  });
});
