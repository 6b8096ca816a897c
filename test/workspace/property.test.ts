import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { validateWorkspace } from '../../src/workspace/load.js';
import { ProblemCode } from '../../src/workspace/problems.js';
import { removeWorkspace, writeWorkspace } from './fixture.js';

/** A value together with whether mesh must accept it. */
interface Judged<T> {
  readonly value: T;
  readonly ok: boolean;
}
const good = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Judged<T>> => arb.map((value) => ({ value, ok: true }));
const bad = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Judged<T>> => arb.map((value) => ({ value, ok: false }));
const absent = <T>(): fc.Arbitrary<Judged<T | undefined>> => fc.constant({ value: undefined, ok: true });

const MESH_YAML = stringify({
  apiVersion: 'mesh/v1',
  name: 'prop',
  centralCatalog: { account: '111111111111', region: 'us-east-1' },
  domains: ['domains/d'],
});

const domainArb = fc.record({
  name: fc.oneof(
    good(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)),
    bad(fc.constantFrom('Shop', '1shop', 'shop_x', '', 'a'.repeat(64), 'sh op')),
  ),
  kind: fc.oneof(good(fc.constantFrom('producer', 'consumer', 'both')), bad(fc.constantFrom('producr', 'Producer', 'sink'))),
  account: fc.oneof(
    good(fc.stringMatching(/^\d{12}$/)),
    good(fc.integer({ min: 100_000_000_000, max: 999_999_999_999 })),
    bad(
      fc.oneof(
        fc.stringMatching(/^\d{1,11}$/),
        fc.stringMatching(/^\d{13,14}$/),
        fc.constant('12345678901x'),
        fc.integer({ min: 0, max: 99_999_999_999 }),
      ),
    ),
  ),
  region: fc.oneof(
    absent<string>(),
    good(fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2')),
    bad(fc.constantFrom('us-east-9', 'mars-1', 'EU-WEST-1')),
  ),
  team: fc.oneof(
    good<string | undefined>(fc.stringMatching(/^[a-z][a-z-]{0,15}$/)),
    bad<string | undefined>(fc.constantFrom('', '   ', undefined)),
  ),
  contact: fc.oneof(good(fc.emailAddress()), bad(fc.constant(''))),
  roleArn: fc.oneof(
    absent<string>(),
    good(fc.constant('arn:aws:iam::123456789012:role/MeshAdmin')),
    bad(fc.constantFrom('arn:aws:iam::123:role/x', 'MeshAdmin', 'arn:aws:s3:::bucket')),
  ),
  description: fc.oneof(absent<string>(), good(fc.string({ maxLength: 40 }))),
  extra: fc.oneof(absent<Record<string, string>>(), bad(fc.constantFrom({ ownr: 'x' }, { Kind: 'producer' }, { subscription: 'x' }))),
});

type DomainCase = typeof domainArb extends fc.Arbitrary<infer T> ? T : never;

function domainYaml(c: DomainCase): string {
  const doc: Record<string, unknown> = {
    name: c.name.value,
    kind: c.kind.value,
    owner: { ...(c.team.value !== undefined ? { team: c.team.value } : {}), contact: c.contact.value },
    account: c.account.value,
    ...(c.region.value !== undefined ? { region: c.region.value } : {}),
    ...(c.roleArn.value !== undefined ? { roleArn: c.roleArn.value } : {}),
    ...(c.description.value !== undefined ? { description: c.description.value } : {}),
    ...(c.extra.value ?? {}),
  };
  return stringify(doc);
}

/** Column types with the Avro type that agrees and one that does not. */
const TYPES = [
  { glue: 'string', avro: 'string', wrong: 'int' },
  { glue: 'int', avro: 'int', wrong: 'long' },
  { glue: 'bigint', avro: 'long', wrong: 'string' },
  { glue: 'double', avro: 'double', wrong: 'float' },
  { glue: 'float', avro: 'float', wrong: 'double' },
  { glue: 'boolean', avro: 'boolean', wrong: 'string' },
  { glue: 'timestamp', avro: { type: 'long', logicalType: 'timestamp-millis' }, wrong: 'int' },
] as const;

const columnArb = fc.record({
  name: fc.oneof(good(fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/)), bad(fc.constantFrom('Amount', 'order-id', 'with space', 'Ümlaut'))),
  type: fc.oneof(good(fc.constantFrom(...TYPES)), bad(fc.constant({ glue: 'varchar', avro: 'string', wrong: 'string' } as const))),
  required: fc.boolean(),
  nullableField: fc.boolean(),
  agrees: fc.oneof(good(fc.constant(true)), bad(fc.constant(false))),
});

describe('property: validate never crashes and accepts exactly what the schema allows', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeWorkspace({ 'mesh.yaml': MESH_YAML });
    await mkdir(path.join(root, 'domains/d/products'), { recursive: true });
  });
  afterAll(() => removeWorkspace(root));

  test('domain files', async () => {
    await fc.assert(
      fc.asyncProperty(domainArb, async (c) => {
        await writeFile(path.join(root, 'domains/d/domain.yaml'), domainYaml(c));
        const { workspace, problems } = await validateWorkspace(root);
        const expected = Object.values(c).every((field) => field.ok);
        expect(workspace !== undefined, JSON.stringify({ c, problems }, null, 1)).toBe(expected);
      }),
      { numRuns: 80 },
    );
  });

  test('product contracts: columns against their event schema', async () => {
    await writeFile(
      path.join(root, 'domains/d/domain.yaml'),
      stringify({ name: 'd', kind: 'producer', owner: { team: 't', contact: 'c' }, account: '222222222222' }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(columnArb, { minLength: 1, maxLength: 6, selector: (c) => c.name.value.toLowerCase() }),
        async (columns) => {
          const contract = {
            apiVersion: 'v3.0.2',
            kind: 'DataContract',
            id: 'urn:mesh:prop:d:p',
            name: 'p',
            version: '1.0.0',
            status: 'active',
            domain: 'd',
            schema: [
              {
                name: 'p',
                properties: columns.map((c) => ({ name: c.name.value, physicalType: c.type.value.glue, required: c.required })),
              },
            ],
            customProperties: [{ property: 'streamPort', value: { entity: 'p', keyField: columns[0]?.name.value, eventSchema: 'p.avsc' } }],
          };
          const fields = columns.map((c) => {
            const type = c.agrees.value ? c.type.value.avro : c.type.value.wrong;
            return { name: c.name.value, type: c.nullableField ? ['null', type] : type };
          });
          await writeFile(path.join(root, 'domains/d/products/p.odcs.yaml'), stringify(contract));
          await writeFile(path.join(root, 'domains/d/products/p.avsc'), JSON.stringify({ type: 'record', name: 'P', fields }));
          const { workspace, problems } = await validateWorkspace(root);
          const avroNamesOk = columns.every((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name.value));
          const expected =
            avroNamesOk &&
            columns.every(
              (c) => c.name.ok && c.type.ok && (c.agrees.ok || c.type.value.glue === 'varchar') && !(c.required && c.nullableField),
            );
          expect(workspace !== undefined, JSON.stringify({ columns, problems }, null, 1)).toBe(expected);
        },
      ),
      { numRuns: 80 },
    );
  });

  test('any text in any file: problems, never a crash, always located', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
      fc.constantFrom(': :', '- [', '{a: 1', '\t- x', 'a: &x 1\nb: *y', '---\na: 1\n---\nb: 2\n'),
    );
    const codes = new Set<string>(Object.values(ProblemCode));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('mesh.yaml', 'domains/d/domain.yaml', 'domains/d/products/p.odcs.yaml'),
        text,
        async (file, content) => {
          const dir = await writeWorkspace({
            'mesh.yaml': MESH_YAML,
            'domains/d/domain.yaml': stringify({
              name: 'd',
              kind: 'producer',
              owner: { team: 't', contact: 'c' },
              account: '222222222222',
            }),
            [file]: content,
          });
          try {
            const { problems } = await validateWorkspace(dir);
            for (const p of problems) {
              expect(codes.has(p.code)).toBe(true);
              expect(p.line).toBeGreaterThanOrEqual(1);
              expect(p.column).toBeGreaterThanOrEqual(1);
              expect(p.file).not.toMatch(/^\//);
            }
          } finally {
            await removeWorkspace(dir);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
