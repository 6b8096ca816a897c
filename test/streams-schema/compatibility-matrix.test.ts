import { describe, expect, it } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  checkCompatibility,
  formatCompatibilityProblem,
  parseCompatibilityMode,
} from '../../src/streams/schema/index.js';

import { id, PAIRS, type Pair, record } from './compatibility-pairs.js';

function expectedFor(pair: Pair, mode: CompatibilityMode): boolean {
  switch (mode) {
    case 'NONE':
      return true;
    case 'DISABLED':
      return false;
    case 'BACKWARD':
    case 'BACKWARD_ALL':
      return pair.backward;
    case 'FORWARD':
    case 'FORWARD_ALL':
      return pair.forward;
    case 'FULL':
    case 'FULL_ALL':
      return pair.backward && pair.forward;
  }
}

const CASES = PAIRS.flatMap((pair) => COMPATIBILITY_MODES.map((mode) => ({ ...pair, mode, expected: expectedFor(pair, mode) })));

describe('compatibility matrix: one previous version', () => {
  it('covers at least 15 schema pairs in every mode', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(15);
    expect(CASES.length).toBe(PAIRS.length * 8);
  });

  it.each(CASES)('$change under $mode → compatible: $expected', ({ old, new: next, mode, expected }) => {
    const result = checkCompatibility({ mode, newSchema: next, previous: [old] });
    expect(result.compatible).toBe(expected);
    expect(result.problems.length === 0).toBe(expected);
  });

  it.each(PAIRS.filter((pair) => !pair.backward || !pair.forward))(
    '$change: FULL names the field "$field" in each failing direction',
    (pair) => {
      const { problems } = checkCompatibility({ mode: 'FULL', newSchema: pair.new, previous: [pair.old] });
      const failing = [...(pair.backward ? [] : ['reader-new']), ...(pair.forward ? [] : ['reader-old'])];
      expect(problems.map((p) => p.direction).sort()).toEqual(failing.sort());
      for (const problem of problems) {
        expect(problem.field).toBe(pair.field);
        expect(problem.againstVersion).toBe(1);
      }
    },
  );
});

describe('compatibility messages say what changed', () => {
  const check = (mode: CompatibilityMode, pair: string) => {
    const found = PAIRS.find((p) => p.change === pair);
    if (!found) throw new Error(`no pair ${pair}`);
    return checkCompatibility({ mode, newSchema: found.new, previous: [found.old] }).problems.map((p) => p.message);
  };

  it('added field without default', () => {
    expect(check('BACKWARD', 'add field without default')).toEqual([
      'field "country" was added without a default; records written with version 1 have no value for it (add a "default", e.g. null with type ["null", …])',
    ]);
  });

  it('removed field', () => {
    expect(check('FORWARD', 'remove field without default')).toEqual([
      'field "country" was removed or renamed; version 1 declares it without a default, so its readers cannot read new records',
    ]);
  });

  it('type change without promotion, in both directions', () => {
    expect(check('FULL', 'string → int')).toEqual([
      'type changed from string to int; the new schema cannot read string values written with version 1 (string → int is not an Avro promotion)',
      'type changed from string to int; readers on version 1 cannot read int values written with the new schema (int → string is not an Avro promotion)',
    ]);
  });

  it('enum symbols removed and added', () => {
    expect(check('BACKWARD', 'enum symbol removed')).toEqual([
      'enum symbol(s) LIKE removed; data written with version 1 may hold them (give the enum a "default" to allow removal)',
    ]);
    expect(check('FORWARD', 'enum symbol added')).toEqual([
      'enum symbol(s) LIKE added; readers on version 1 do not know them and their enum has no "default"',
    ]);
  });

  it('optional made required', () => {
    expect(check('BACKWARD', '["null","string"] → string (made required)')).toEqual([
      'type changed from null | string to string; data written with version 1 may hold null, which the new schema cannot read',
    ]);
  });

  it('record renamed', () => {
    expect(check('BACKWARD', 'record renamed')).toEqual([
      'record name changed from mesh.test.Event to mesh.test.Evt; keep the name or list "mesh.test.Event" in "aliases"',
    ]);
  });

  it('formats a problem on one line', () => {
    const [problem] = checkCompatibility({
      mode: 'BACKWARD',
      newSchema: record([id, { name: 'country', type: 'string' }]),
      previous: [record([id])],
    }).problems;
    expect(problem && formatCompatibilityProblem(problem)).toMatch(
      /^country: field "country" was added .* \[against version 1, reader-new\]$/,
    );
  });
});

describe('transitive modes check every previous version', () => {
  // v1 has no "b"; v2 adds "b" with a default; the new schema drops the default.
  const addedDefaultThenDropped = [record([id]), record([id, { name: 'b', type: 'string', default: 'x' }])];
  const requireB = record([id, { name: 'b', type: 'string' }]);
  // v1 requires "c"; v2 gives it a default; the new schema removes it.
  const requiredThenDefaulted = [record([id, { name: 'c', type: 'string' }]), record([id, { name: 'c', type: 'string', default: '' }])];
  const withoutC = record([id]);

  const TRANSITIVE: readonly {
    name: string;
    previous: string[];
    next: string;
    expected: Record<CompatibilityMode, boolean>;
  }[] = [
    {
      name: 'field gets required again',
      previous: addedDefaultThenDropped,
      next: requireB,
      expected: {
        NONE: true,
        DISABLED: false,
        BACKWARD: true,
        BACKWARD_ALL: false,
        FORWARD: true,
        FORWARD_ALL: true,
        FULL: true,
        FULL_ALL: false,
      },
    },
    {
      name: 'field removed after getting a default',
      previous: requiredThenDefaulted,
      next: withoutC,
      expected: {
        NONE: true,
        DISABLED: false,
        BACKWARD: true,
        BACKWARD_ALL: true,
        FORWARD: true,
        FORWARD_ALL: false,
        FULL: true,
        FULL_ALL: false,
      },
    },
  ];

  it.each(TRANSITIVE.flatMap((c) => COMPATIBILITY_MODES.map((mode) => ({ ...c, mode, want: c.expected[mode] }))))(
    '$name under $mode → compatible: $want',
    ({ previous, next, mode, want }) => {
      expect(checkCompatibility({ mode, newSchema: next, previous }).compatible).toBe(want);
    },
  );

  it('BACKWARD_ALL names version 1 and the field', () => {
    const result = checkCompatibility({ mode: 'BACKWARD_ALL', newSchema: requireB, previous: addedDefaultThenDropped });
    expect(result.checkedVersions).toEqual([1, 2]);
    expect(result.problems).toEqual([expect.objectContaining({ againstVersion: 1, direction: 'reader-new', field: 'b' })]);
  });

  it('FORWARD_ALL names version 1 and the field, reading with the old schema', () => {
    const result = checkCompatibility({ mode: 'FORWARD_ALL', newSchema: withoutC, previous: requiredThenDefaulted });
    expect(result.problems).toEqual([expect.objectContaining({ againstVersion: 1, direction: 'reader-old', field: 'c' })]);
  });

  it('non-transitive modes check only the latest version; explicit version numbers are kept', () => {
    const result = checkCompatibility({
      mode: 'FULL',
      newSchema: record([id, { name: 'n', type: 'int' }]),
      previous: [
        { version: 4, definition: record([id]) },
        { version: 7, definition: record([id, { name: 'n', type: 'string', default: '' }]) },
      ],
    });
    expect(result.checkedVersions).toEqual([7]);
    expect(result.problems.map((p) => [p.againstVersion, p.direction, p.field])).toEqual([
      [7, 'reader-new', 'n'],
      [7, 'reader-old', 'n'],
    ]);
  });

  it("accepts Confluent's *_TRANSITIVE spellings", () => {
    const result = checkCompatibility({
      mode: 'BACKWARD_TRANSITIVE',
      newSchema: requireB,
      previous: addedDefaultThenDropped,
    });
    expect(result.mode).toBe('BACKWARD_ALL');
    expect(result.compatible).toBe(false);
    expect(parseCompatibilityMode('full_transitive')).toBe('FULL_ALL');
    expect(parseCompatibilityMode('forward-all')).toBe('FORWARD_ALL');
  });
});

describe('edge cases', () => {
  it('the first version is compatible in every mode, DISABLED included', () => {
    for (const mode of COMPATIBILITY_MODES) {
      expect(checkCompatibility({ mode, newSchema: record([id]), previous: [] }).compatible).toBe(true);
    }
  });

  it('DISABLED refuses any new version, even an identical one', () => {
    const result = checkCompatibility({ mode: 'DISABLED', newSchema: record([id]), previous: [record([id])] });
    expect(result.problems).toEqual([
      {
        againstVersion: 1,
        direction: 'reader-new',
        field: '',
        message: 'compatibility is DISABLED for this schema: no new versions can be registered',
      },
    ]);
  });

  it('an unknown mode is a usage error with a suggestion', () => {
    try {
      checkCompatibility({ mode: 'BACKWARDS', newSchema: record([id]), previous: [] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MeshError);
      expect((error as MeshError).code).toBe('CompatibilityModeUnknown');
      expect((error as MeshError).hint).toBe('Did you mean "BACKWARD"?');
      expect((error as MeshError).exitCode).toBe(2);
    }
  });

  it('an invalid new schema or previous version throws SchemaInvalid naming which one', () => {
    expect(() => checkCompatibility({ mode: 'NONE', newSchema: '{"type":"recrd"}', previous: [] })).toThrow(
      /the new schema is not a valid Avro schema/,
    );
    expect(() => checkCompatibility({ mode: 'BACKWARD', newSchema: record([id]), previous: ['[oops'] })).toThrow(
      /version 1 is not valid JSON/,
    );
  });
});
