// The catalog port's contract (src/catalog/port.ts), run against each adapter: the local one (SQLite catalog) by
// local-catalog-port.test.ts and the aws one (Glue + Lake Formation in moto) by aws-moto-catalog-port.test.ts.
// Changes are planned by the real planner from desired specs and what the port observes, and applied the way the
// plane applies them (execute for each change, applyGrants for grants and revokes); each test then asserts what
// the catalog holds, read back through the port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralDatabaseSpec, tableSpecFor } from '../../src/catalog/desired.js';
import { type CatalogNaming, catalogKey, catalogResource, registeredLocationOf } from '../../src/catalog/names.js';
import type {
  CatalogChange,
  CatalogObserved,
  CatalogPort,
  CatalogQuery,
  CatalogSpec,
  DatabaseSpec,
  GrantChange,
  GrantSpec,
  TableSpec,
} from '../../src/catalog/port.js';
import { type ChangeAction, keyOf } from '../../src/engine/plan.js';
import { createPlan } from '../../src/engine/planner.js';
import type { Domain, Workspace } from '../../src/workspace/model.js';

export interface CatalogHarness {
  readonly port: CatalogPort;
  readonly naming: CatalogNaming;
  /** The workspace the specs are made from (the music fixture of test/catalog/fixtures.ts). */
  readonly workspace: Workspace;
  close(): Promise<void>;
}

type Desired = { readonly spec: CatalogSpec; readonly isGrant?: boolean };

/** One change built by hand, for the cases a planner never produces (a delete of what is gone, a stale create). */
export function changeOf(action: ChangeAction, spec: CatalogSpec, naming: CatalogNaming, before?: CatalogSpec): CatalogChange {
  const { ref } = catalogResource(spec, naming);
  const removal = action === 'delete' || action === 'revoke';
  // why: a test assembles a change of whichever type the spec has; the planner's own changeFor does the same
  return {
    type: ref.type,
    key: keyOf(ref),
    action,
    ref,
    reason: 'contract test',
    dependsOn: [],
    ...(removal ? { before: spec } : { after: spec, ...(before ? { before } : {}) }),
  } as CatalogChange;
}

const isGrantChange = (c: CatalogChange): c is GrantChange => c.type === 'lf-grant';

export function describeCatalogPortContract(name: string, makeHarness: () => Promise<CatalogHarness>): void {
  describe(`CatalogPort contract: ${name}`, () => {
    let h: CatalogHarness;
    let naming: CatalogNaming;
    let music: Domain;
    let recommendations: Domain;
    let central: string;
    let producer: string;
    let consumer: string;

    beforeAll(async () => {
      h = await makeHarness();
      naming = h.naming;
      const domain = (n: string) => {
        const found = h.workspace.domains.find((d) => d.name === n);
        if (!found) throw new Error(`fixture has no domain ${n}`);
        return found;
      };
      music = domain('music');
      recommendations = domain('recommendations');
      central = naming.central;
      producer = naming.catalogOf(music);
      consumer = naming.catalogOf(recommendations);
    });
    afterAll(async () => {
      await h?.close();
    });

    /** Everything the contract touches, in one observe (one list call per kind and catalog on aws). */
    const everything = (): CatalogQuery[] => [
      { catalog: central, databases: true, tablesOf: 'managed', permissions: true, locations: true, tags: true },
      { catalog: producer, databases: true },
      { catalog: consumer, databases: true, tablesOf: [naming.linkDatabase('music')], permissions: true },
    ];
    /** What the port observes, for the given keys (adapters may read more than asked: see the observe test). */
    const observe = async (): Promise<Map<string, CatalogObserved>> =>
      new Map((await h.port.observe(everything())).map((o) => [keyOf(o.ref), o]));
    const specAt = async (spec: CatalogSpec) => (await observe()).get(catalogKey(spec))?.spec;

    /** Plans `desired` against what exists (pruning the keys in `remove`) and applies it as the plane does. */
    async function converge(desired: readonly Desired[], remove: readonly string[] = []): Promise<CatalogChange[]> {
      const plan = createPlan(
        desired.map((d) => ({ ...catalogResource(d.spec, naming), ...(d.isGrant ? { isGrant: true } : {}) })),
        [...(await observe()).values()],
        { pruneScope: (o) => remove.includes(keyOf(o.ref)) },
      );
      const pending = plan.changes.filter((c) => c.action !== 'noop');
      const grants = pending.filter(isGrantChange);
      for (const c of pending) if (!isGrantChange(c)) await h.port.execute(c);
      if (grants.length > 0) {
        const outcomes = await h.port.applyGrants(grants);
        for (const g of grants) {
          const outcome = outcomes.get(g.key);
          if (!outcome?.ok) throw outcome?.error ?? new Error(`no outcome for ${g.key}`);
        }
      }
      return pending;
    }

    // The resources, made by the plane's own spec builders from the fixture workspace.
    const db = (): DatabaseSpec => centralDatabaseSpec(music, naming);
    const table = (extra: Record<string, string> = {}): TableSpec => {
      const songs = h.workspace.products.find((p) => p.name === 'songs');
      if (!songs) throw new Error('fixture has no songs');
      return tableSpecFor(songs, music, naming, extra);
    };
    const tags = (): CatalogSpec[] =>
      Object.entries(table().lfTags).map(([key, value]) => ({ kind: 'lf-tag', catalog: central, key, values: [value] }));
    const location = (roleArn = naming.dataAccessRole): CatalogSpec => ({
      kind: 'lf-location',
      catalog: central,
      resourceArn: registeredLocationOf(table().location),
      roleArn,
    });
    const grant = (resource: GrantSpec['resource'], permissions: string[], grantable: string[] = []): GrantSpec => ({
      kind: 'lf-grant',
      catalog: central,
      principal: naming.principalOf(recommendations),
      resource,
      permissions,
      grantable,
    });
    const onTable = () => ({ kind: 'table' as const, catalog: central, database: db().name, table: table().name });
    const onColumns = (columns: string[]) => ({
      kind: 'columns' as const,
      catalog: central,
      database: db().name,
      table: table().name,
      columns,
    });
    const onDatabase = () => ({ kind: 'database' as const, catalog: central, database: db().name });
    const onLocation = () => ({ kind: 'location' as const, catalog: central, resourceArn: registeredLocationOf(table().location) });
    const linkDb = (): CatalogSpec => ({
      kind: 'resource-link-database',
      catalog: producer,
      name: naming.linkDatabase('music'),
      target: { catalog: central, database: db().name },
    });
    const consumerDb = (): DatabaseSpec => ({
      kind: 'glue-database',
      catalog: consumer,
      name: naming.linkDatabase('music'),
      parameters: { 'mesh:managed-by': naming.managedBy },
    });
    const tableLink = (): CatalogSpec => ({
      kind: 'resource-link',
      catalog: consumer,
      database: naming.linkDatabase('music'),
      name: table().name,
      target: { catalog: central, database: db().name, table: table().name },
    });

    it('observes nothing of its own in fresh catalogs', async () => {
      const mine = [...(await observe()).values()].filter((o) => {
        const s = o.spec;
        return s.kind === 'lf-grant' ? s.principal === naming.principalOf(recommendations) : s.kind !== 'bucket-policy';
      });
      expect(mine.map((o) => keyOf(o.ref))).toEqual([]);
    });

    it('creates tags, a database, a table and a location, and observes each exactly as it was written', async () => {
      const desired = [...tags(), db(), table(), location()];
      const applied = await converge(desired.map((spec) => ({ spec })));
      expect(applied.map((c) => `${c.action} ${c.key}`).sort()).toEqual(desired.map((s) => `create ${catalogKey(s)}`).sort());
      const seen = await observe();
      for (const spec of desired) expect(seen.get(catalogKey(spec))?.spec).toEqual(spec);
    });

    it('plans nothing the second time: what the port observes is what it was given', async () => {
      const applied = await converge([...tags(), db(), table(), location()].map((spec) => ({ spec })));
      expect(applied).toEqual([]);
    });

    it('treats a create of what already exists, unchanged, as done (another machine made the same thing)', async () => {
      for (const spec of [db(), table(), location(), ...tags()]) await h.port.execute(changeOf('create', spec, naming));
      expect(await specAt(table())).toEqual(table());
      expect(await specAt(db())).toEqual(db());
    });

    it('refuses a create over something that exists and differs, and leaves it as it was', async () => {
      const other = { ...db(), description: 'made by someone else' };
      await expect(h.port.execute(changeOf('create', other, naming))).rejects.toMatchObject({ code: 'Conflict' });
      expect(await specAt(db())).toEqual(db());
    });

    it('updates a table and a database in place', async () => {
      const newer = table({ 'mesh:version': '1.1.0' });
      const described = { ...db(), description: 'Songs and albums' };
      const applied = await converge([{ spec: newer }, { spec: described }]);
      expect(applied.map((c) => c.action)).toEqual(['update', 'update']);
      expect(await specAt(newer)).toEqual(newer);
      expect(await specAt(described)).toEqual(described);
      await converge([{ spec: table() }, { spec: db() }]);
      expect(await specAt(table())).toEqual(table());
    });

    it('adds LF-Tag values and never removes one', async () => {
      const [first] = tags();
      if (first?.kind !== 'lf-tag') throw new Error('no tag');
      const wider = { ...first, values: [...first.values, 'zz-extra'].sort() };
      expect((await converge([{ spec: wider }])).map((c) => c.action)).toEqual(['update']);
      expect(await specAt(first)).toEqual(wider);
      // Planning the narrower set again asks for an update, which adds nothing and removes nothing.
      await converge([{ spec: first }]);
      expect(await specAt(first)).toEqual(wider);
    });

    it('moves a registered location to another role, and deregisters it', async () => {
      const moved = location(naming.dataAccessRole.replace(/MeshLfDataAccess$/, 'OtherRole'));
      expect((await converge([{ spec: moved }])).map((c) => c.action)).toEqual(['update']);
      expect(await specAt(moved)).toEqual(moved);
      await converge([], [catalogKey(moved)]);
      expect(await specAt(moved)).toBeUndefined();
      await converge([{ spec: location() }]);
      expect(await specAt(location())).toEqual(location());
    });

    it('grants on a database, a table, columns and a location, and observes each grant as given', async () => {
      const given = [
        grant(onDatabase(), ['DESCRIBE']),
        grant(onTable(), ['DESCRIBE', 'SELECT'], ['SELECT']),
        grant(onLocation(), ['DATA_LOCATION_ACCESS']),
      ];
      const applied = await converge(given.map((spec) => ({ spec, isGrant: true })));
      expect(applied.map((c) => c.action)).toEqual(['grant', 'grant', 'grant']);
      const seen = await observe();
      for (const g of given) expect(seen.get(catalogKey(g))?.spec).toEqual(g);
      // Granted again: nothing to do.
      expect(await converge(given.map((spec) => ({ spec, isGrant: true })))).toEqual([]);
    });

    it('changes a grant’s permissions (revoking what is dropped) and revokes it, twice without error', async () => {
      const before = grant(onTable(), ['DESCRIBE', 'SELECT'], ['SELECT']);
      const after = grant(onTable(), ['DESCRIBE']);
      expect((await converge([{ spec: after, isGrant: true }])).map((c) => c.action)).toEqual(['grant']);
      expect(await specAt(after)).toEqual(after);
      await converge([], [catalogKey(after)]);
      expect(await specAt(before)).toBeUndefined();
      // Revoking what is not granted any more is done.
      const outcomes = await h.port.applyGrants([changeOf('revoke', after, naming) as GrantChange]);
      expect(outcomes.get(catalogKey(after))).toMatchObject({ ok: true });
      expect(await specAt(after)).toBeUndefined();
    });

    it('grants on columns, and revokes them', async () => {
      const cols = grant(onColumns(['artist', 'song_id', 'title']), ['SELECT']);
      await converge([{ spec: cols, isGrant: true }]);
      expect(await specAt(cols)).toEqual(cols);
      await converge([], [catalogKey(cols)]);
      expect(await specAt(cols)).toBeUndefined();
    });

    it('reports an outcome for every change of a batch, and applies the batch as a whole', async () => {
      const widened = grant(onDatabase(), ['CREATE_TABLE', 'DESCRIBE']);
      const located = grant(onLocation(), ['DATA_LOCATION_ACCESS']);
      const columns = grant(onColumns(['song_id', 'title']), ['SELECT']);
      const outcomes = await h.port.applyGrants([
        changeOf('grant', widened, naming, grant(onDatabase(), ['DESCRIBE'])) as GrantChange,
        changeOf('revoke', located, naming) as GrantChange,
        changeOf('grant', columns, naming) as GrantChange,
      ]);
      expect([...outcomes.keys()].sort()).toEqual([widened, located, columns].map(catalogKey).sort());
      expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
      expect(await specAt(widened)).toEqual(widened);
      expect(await specAt(located)).toBeUndefined();
      expect(await specAt(columns)).toEqual(columns);
    });

    it('links the producer’s database and the consumer’s table to the central ones', async () => {
      const desired = [linkDb(), consumerDb(), tableLink()];
      await converge(desired.map((spec) => ({ spec })));
      const seen = await observe();
      for (const spec of desired) expect(seen.get(catalogKey(spec))?.spec).toEqual(spec);
      expect(await converge(desired.map((spec) => ({ spec })))).toEqual([]);
    });

    it('observes at least what each query asks for, and only catalog resources', async () => {
      const asked = await h.port.observe([{ catalog: consumer, databases: true, tablesOf: [naming.linkDatabase('music')] }]);
      const keys = asked.map((o) => keyOf(o.ref));
      expect(keys).toEqual(expect.arrayContaining([catalogKey(consumerDb()), catalogKey(tableLink())]));
      for (const o of asked) expect(o.ref.type).toBe(o.spec.kind);
      expect(asked.every((o) => keyOf(o.ref) === catalogKey(o.spec))).toBe(true);
    });

    it('deletes links, a table and databases; deleting what is gone is done', async () => {
      const gone = [tableLink(), consumerDb(), linkDb(), table()];
      await converge([], gone.map(catalogKey));
      for (const spec of gone) expect(await specAt(spec)).toBeUndefined();
      expect(await specAt(db())).toEqual(db());
      for (const spec of gone) await h.port.execute(changeOf('delete', spec, naming));
      for (const spec of gone) expect(await specAt(spec)).toBeUndefined();
    });
  });
}
