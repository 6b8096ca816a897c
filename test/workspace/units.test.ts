import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEventSchema } from '../../src/workspace/avro-types.js';
import { isAccountId, isRegion, isRoleArn, localAccountId, parseMskClusterArn } from '../../src/workspace/aws-ids.js';
import { type EventField, typesAgree } from '../../src/workspace/event-fields.js';
import type { ColumnType } from '../../src/workspace/model.js';
import { parseColumnType } from '../../src/workspace/normalize-product.js';
import { exists, expandPattern } from '../../src/workspace/paths.js';
import { formatPath, formatProblem, sortProblems } from '../../src/workspace/problems.js';
import { kafkaTopicProblem, topicPatternRegExp } from '../../src/workspace/topic-names.js';
import { parseYaml } from '../../src/workspace/yaml-source.js';
import { removeWorkspace, writeWorkspace } from './fixture.js';

describe('aws identifiers', () => {
  test('account ids are exactly 12 digits', () => {
    expect(['123456789012', '000000000000'].map(isAccountId)).toEqual([true, true]);
    expect(['12345678901', '1234567890123', '12345678901a', ''].map(isAccountId)).toEqual([false, false, false, false]);
  });
  test('regions come from the list', () => {
    expect(['us-east-1', 'eu-central-2', 'cn-north-1', 'us-gov-west-1'].every(isRegion)).toBe(true);
    expect(['us-east-9', 'useast1', 'US-EAST-1'].some(isRegion)).toBe(false);
  });
  test('role and MSK cluster ARNs', () => {
    expect(isRoleArn('arn:aws:iam::123456789012:role/MeshAdmin')).toBe(true);
    expect(isRoleArn('arn:aws:iam::123456789012:role/path/to/Role+x')).toBe(true);
    expect(isRoleArn('arn:aws:iam::123456789012:user/bob')).toBe(false);
    expect(isRoleArn('arn:aws:iam::12345:role/x')).toBe(false);
    expect(parseMskClusterArn('arn:aws:kafka:eu-west-1:123456789012:cluster/mesh/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      clusterName: 'mesh',
      clusterUuid: '0a1b2c3d-4e5f-6789-abcd-ef0123456789-2',
    });
    expect(parseMskClusterArn('arn:aws:kafka:eu-west-1:123456789012:topic/mesh/x/y')).toBeUndefined();
  });
  test('local stand-in account ids are stable, 12 digits, and differ per name', () => {
    expect(localAccountId('songs')).toBe(localAccountId('songs'));
    expect(isAccountId(localAccountId('songs'))).toBe(true);
    expect(localAccountId('songs')).not.toBe(localAccountId('users'));
  });
});

describe('topic names', () => {
  test('Kafka rules', () => {
    expect(kafkaTopicProblem('mesh.songs.changes.v1')).toBeUndefined();
    expect(kafkaTopicProblem('.')).toMatch(/not allowed/);
    expect(kafkaTopicProblem('..')).toMatch(/not allowed/);
    expect(kafkaTopicProblem('a'.repeat(250))).toMatch(/1 to 249/);
    expect(kafkaTopicProblem('has space')).toMatch(/characters/);
    expect(kafkaTopicProblem('__consumer_offsets')).toMatch(/reserves/);
  });
  test('pattern matching fills mesh and domain, accepts any entity and major', () => {
    const re = topicPatternRegExp('mesh.{domain}.{entity}.v{major}', { mesh: 'music', domain: 'songs' });
    expect(re.test('mesh.songs.song-changes.v12')).toBe(true);
    expect(re.test('mesh.users.song-changes.v1')).toBe(false);
    expect(re.test('mesh.songs.x.vX')).toBe(false);
    expect(topicPatternRegExp('{mesh}-{domain}-{entity}', { mesh: 'm', domain: 'd' }).test('m-d-e_1')).toBe(true);
  });
});

describe('column and Avro types', () => {
  const field = (avroType: string, extra: Partial<EventField> = {}): EventField => ({ name: 'f', avroType, nullable: false, ...extra });
  test.each<[ColumnType, EventField, boolean]>([
    ['bigint', field('long'), true],
    ['timestamp', field('long', { logicalType: 'timestamp-millis' }), true],
    ['timestamp', field('long'), true],
    ['bigint', field('long', { logicalType: 'timestamp-millis' }), false],
    ['int', field('int'), true],
    ['int', field('long'), false],
    ['date', field('int', { logicalType: 'date' }), true],
    ['string', field('string'), true],
    ['string', field('enum'), true],
    ['string', field('int'), false],
    ['double', field('double'), true],
    ['double', field('float'), false],
    ['float', field('float'), true],
    ['boolean', field('boolean'), true],
    ['decimal(10,2)', field('bytes', { logicalType: 'decimal' }), true],
    ['decimal(10,2)', field('bytes'), false],
  ])('%s ↔ %o agree: %s', (type, f, expected) => {
    expect(typesAgree(type, f)).toBe(expected);
  });

  test('parseEventSchema reads fields, nullability and logical types', () => {
    const parsed = parseEventSchema(
      JSON.stringify({
        type: 'record',
        name: 'E',
        fields: [
          { name: 'a', type: 'string' },
          { name: 'b', type: ['null', 'long'] },
          { name: 'c', type: { type: 'long', logicalType: 'timestamp-millis' } },
        ],
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      recordName: 'E',
      fields: [
        { name: 'a', avroType: 'string', nullable: false },
        { name: 'b', avroType: 'long', nullable: true },
        { name: 'c', avroType: 'long', nullable: false, logicalType: 'timestamp-millis' },
      ],
    });
    expect(parseEventSchema('"string"')).toMatchObject({ ok: false, message: /must be a record/ });
    expect(parseEventSchema('{"type": "record"')).toMatchObject({ ok: false, message: /not valid JSON/ });
  });

  test('parseColumnType spells Glue types', () => {
    expect(['STRING', 'bigint', 'decimal(10, 2)', 'Timestamp'].map(parseColumnType)).toEqual([
      'string',
      'bigint',
      'decimal(10,2)',
      'timestamp',
    ]);
    expect(['varchar', 'decimal(40,2)', 'decimal(p,s)', 'array<string>'].map(parseColumnType)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('problems and YAML positions', () => {
  test('paths format like code', () => {
    expect(formatPath(['schema', 0, 'properties', 2, 'name'])).toBe('schema[0].properties[2].name');
    expect(formatPath([])).toBe('');
  });

  test('one line per problem, sorted by file and position', () => {
    const a = { code: 'UnknownField', severity: 'error', file: 'b.yaml', line: 2, column: 1, path: 'x', message: 'm' } as const;
    const b = { ...a, file: 'a.yaml', line: 9 } as const;
    const c = { ...a, file: 'b.yaml', line: 1, path: '' } as const;
    expect(sortProblems([a, b, c])).toEqual([b, c, a]);
    expect(formatProblem(c)).toBe('b.yaml:1:1  UnknownField  -  m');
  });

  test('positions: values, keys, missing fields (their parent key), lists (their key)', () => {
    const parsed = parseYaml('/x.yaml', 'x.yaml', 'a: 1\nowner:\n  team: t\nlist:\n  - one\n  - two\n');
    if (parsed.kind !== 'ok') throw new Error('parse');
    const s = parsed.source;
    expect(s.position(['a'])).toEqual({ line: 1, column: 4 });
    expect(s.position(['a'], { key: true })).toEqual({ line: 1, column: 1 });
    expect(s.position(['owner', 'contact'])).toEqual({ line: 2, column: 1 });
    expect(s.position(['list'])).toEqual({ line: 4, column: 1 });
    expect(s.position(['list', 1])).toEqual({ line: 6, column: 5 });
    expect(s.position(['nothing'])).toEqual({ line: 1, column: 1 });
  });

  test('malformed and empty YAML', () => {
    const bad = parseYaml('/x.yaml', 'x.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    expect(bad.kind).toBe('syntax');
    expect(parseYaml('/x.yaml', 'x.yaml', '# only a comment\n').kind).toBe('empty');
    expect(parseYaml('/x.yaml', 'x.yaml', '').kind).toBe('empty');
  });
});

describe('product file patterns', () => {
  test('files and links to files match, sorted by code unit; folders, links to folders and broken links do not', async () => {
    const root = await writeWorkspace({
      'p/b.odcs.yaml': 'x',
      'p/B.odcs.yaml': 'x',
      'p/a.odcs.yaml': 'x',
      'p/notes.txt': 'x',
      'elsewhere/target.yaml': 'x',
    });
    try {
      const p = (name: string) => path.join(root, 'p', name);
      await mkdir(p('folder.odcs.yaml'));
      await symlink(path.join(root, 'elsewhere', 'target.yaml'), p('link.odcs.yaml'));
      await symlink(path.join(root, 'elsewhere'), p('link-to-folder.odcs.yaml'));
      await symlink(path.join(root, 'nowhere.yaml'), p('broken.odcs.yaml'));
      expect(await expandPattern(root, 'p/*.odcs.yaml')).toEqual(['B.odcs.yaml', 'a.odcs.yaml', 'b.odcs.yaml', 'link.odcs.yaml'].map(p));
      expect(await expandPattern(root, 'missing/*.odcs.yaml')).toEqual([]);
      expect([
        await exists(p('a.odcs.yaml')),
        await exists(p('folder.odcs.yaml')),
        await exists(p('none')),
        await exists(p('a.odcs.yaml/x')),
      ]).toEqual(['file', 'dir', undefined, undefined]);
      await writeFile(p('c.odcs.yaml'), 'x');
      expect(await expandPattern(root, 'p/?.odcs.yaml')).toEqual(['B.odcs.yaml', 'a.odcs.yaml', 'b.odcs.yaml', 'c.odcs.yaml'].map(p));
    } finally {
      await removeWorkspace(root);
    }
  });
});
