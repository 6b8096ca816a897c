import { describe, expect, it } from 'vitest';
import { MeshError } from '../../src/core/errors.js';
import {
  compileEventSchema,
  decodeGlueHeader,
  encodeWithGlueHeader,
  hasGlueHeader,
  parseJsonLines,
} from '../../src/streams/schema/index.js';

const LISTEN_EVENT = JSON.stringify({
  type: 'record',
  name: 'ListenEvent',
  namespace: 'com.acme.interactions',
  fields: [
    { name: 'eventId', type: 'string', doc: 'unique per event' },
    { name: 'userId', type: 'long' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['PLAY', 'SKIP', 'LIKE'] } },
    { name: 'coupon', type: ['null', 'string'], default: null },
    {
      name: 'device',
      type: [
        'null',
        {
          type: 'record',
          name: 'Device',
          fields: [
            { name: 'os', type: 'string' },
            { name: 'version', type: 'int' },
          ],
        },
      ],
      default: null,
    },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'attributes', type: { type: 'map', values: 'double' }, default: {} },
    {
      name: 'payment',
      type: [
        'null',
        { type: 'record', name: 'Card', fields: [{ name: 'last4', type: 'string' }] },
        { type: 'record', name: 'Voucher', fields: [{ name: 'code', type: 'string' }] },
      ],
      default: null,
    },
  ],
});

const PLAIN_EVENT = {
  eventId: 'e-1',
  userId: 42,
  occurredAt: '2026-03-01T12:00:00.000Z',
  kind: 'PLAY',
  coupon: 'SPRING',
  device: { os: 'ios', version: 17 },
  tags: ['a', 'b'],
  attributes: { volume: 0.5 },
  payment: { code: 'V-9' },
};

const DECODED_EVENT = {
  ...PLAIN_EVENT,
  occurredAt: new Date('2026-03-01T12:00:00.000Z'),
};

describe('compileEventSchema: fields', () => {
  it('lists top-level fields with readable Avro types and whether they are required', () => {
    const schema = compileEventSchema(LISTEN_EVENT);
    expect(schema.name).toBe('com.acme.interactions.ListenEvent');
    expect(schema.fields).toEqual([
      { name: 'eventId', avroType: 'string', required: true, doc: 'unique per event' },
      { name: 'userId', avroType: 'long', required: true },
      { name: 'occurredAt', avroType: 'timestamp-millis', required: true },
      { name: 'kind', avroType: 'enum Kind', required: true },
      { name: 'coupon', avroType: 'null | string', required: false },
      { name: 'device', avroType: 'null | record Device', required: false },
      { name: 'tags', avroType: 'array<string>', required: false },
      { name: 'attributes', avroType: 'map<double>', required: false },
      { name: 'payment', avroType: 'null | record Card | record Voucher', required: false },
    ]);
  });

  it('rejects a schema that is not Avro, naming the reason', () => {
    expect(() => compileEventSchema('{"type":"record","name":"X","fields":[{"name":"a","type":"strin"}]}')).toThrow(
      /not a valid Avro schema.*strin/,
    );
    expect(() => compileEventSchema('{nope')).toThrow(/not valid JSON/);
  });
});

describe('avro encoding', () => {
  const schema = compileEventSchema(LISTEN_EVENT);

  it('round-trips plain JSON with unions, an ambiguous union, timestamp-millis, enum, array and map', () => {
    const bytes = schema.encode(PLAIN_EVENT);
    expect(bytes.length).toBeGreaterThan(20);
    expect(schema.decode(bytes)).toEqual(DECODED_EVENT);
  });

  it('accepts null for a ["null","string"] union and fills defaults for left-out fields', () => {
    const minimal = { eventId: 'e-2', userId: 7, occurredAt: 1_772_366_400_000, kind: 'SKIP', coupon: null };
    expect(schema.decode(schema.encode(minimal))).toEqual({
      ...minimal,
      occurredAt: new Date(1_772_366_400_000),
      device: null,
      tags: [],
      attributes: {},
      payment: null,
    });
  });

  it('picks the right branch of a union of two records from the plain JSON shape', () => {
    const card = schema.decode(schema.encode({ ...PLAIN_EVENT, payment: { last4: '4242' } })) as { payment: unknown };
    expect(card.payment).toEqual({ last4: '4242' });
  });

  it("also accepts Avro JSON's wrapped union form", () => {
    const wrapped = {
      ...PLAIN_EVENT,
      coupon: { string: 'X' },
      payment: { 'com.acme.interactions.Card': { last4: '1' } },
    };
    const decoded = schema.decode(schema.encode(wrapped)) as Record<string, unknown>;
    expect(decoded.coupon).toBe('X');
    expect(decoded.payment).toEqual({ last4: '1' });
  });

  it('accepts a timestamp as epoch millis, ISO string or Date, and all encode the same bytes', () => {
    const millis = schema.encode({ ...PLAIN_EVENT, occurredAt: 1_772_366_400_000 });
    const iso = schema.encode({ ...PLAIN_EVENT, occurredAt: '2026-03-01T12:00:00Z' });
    const date = schema.encode({ ...PLAIN_EVENT, occurredAt: new Date(1_772_366_400_000) });
    expect(iso.equals(millis)).toBe(true);
    expect(date.equals(millis)).toBe(true);
  });

  it('toJson gives JSON-safe natural JSON (epoch millis, unwrapped unions)', () => {
    const json = schema.toJson(schema.decode(schema.encode(PLAIN_EVENT)));
    expect(json).toEqual({ ...PLAIN_EVENT, occurredAt: 1_772_366_400_000 });
  });

  it('decodes bytes written with an older schema when given the writer schema', () => {
    const v1 = JSON.stringify({ type: 'record', name: 'E', fields: [{ name: 'id', type: 'int' }] });
    const v2 = JSON.stringify({
      type: 'record',
      name: 'E',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    });
    const old = compileEventSchema(v1).encode({ id: 5 });
    expect(compileEventSchema(v2).decode(old, { writerSchema: v1 })).toEqual({ id: 5, note: null });
    expect(() => compileEventSchema(v1).decode(compileEventSchema(v2).encode({ id: 5, note: 'x' }))).toThrow(MeshError);
  });

  it('fails to decode bytes that are not this schema, with a MeshError', () => {
    expect(() => schema.decode(Buffer.from([1, 2, 3]))).toThrow(/Could not decode 3 bytes/);
  });
});

describe('json encoding', () => {
  const schema = compileEventSchema(LISTEN_EVENT, { encoding: 'json' });

  it('writes validated natural JSON (timestamps as epoch millis) and reads it back', () => {
    const bytes = schema.encode(PLAIN_EVENT);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ ...PLAIN_EVENT, occurredAt: 1_772_366_400_000 });
    expect(schema.decode(bytes)).toEqual(DECODED_EVENT);
  });

  it('refuses to write an invalid event', () => {
    expect(() => schema.encode({ ...PLAIN_EVENT, kind: 'PAUSE' })).toThrow(/at kind: expected one of PLAY, SKIP, LIKE/);
  });
});

describe('validation reports the path of every bad value', () => {
  const schema = compileEventSchema(LISTEN_EVENT);

  it('names nested, array and map paths', () => {
    const result = schema.validate({
      ...PLAIN_EVENT,
      userId: 'forty-two',
      device: { os: 'ios', version: 'x' },
      tags: ['ok', 3],
      attributes: { volume: 'loud' },
      coupon: 12,
    });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.path)).toEqual(['userId', 'coupon', 'device.version', 'tags[1]', 'attributes.volume']);
    expect(result.errors[0]?.message).toBe('expected long, got the string "forty-two"');
    expect(result.errors[1]?.message).toBe('expected null | string, got number 12');
  });

  it('reports missing required fields, unknown fields with a suggestion, bad enum symbols and bad timestamps', () => {
    const { eventId: _dropped, ...withoutId } = PLAIN_EVENT;
    const result = schema.validate({ ...withoutId, userid: 1, kind: 'PLAYY', occurredAt: 'yesterday' });
    expect(result.errors).toEqual([
      { path: 'eventId', message: 'missing required field (string)' },
      {
        path: 'occurredAt',
        message: 'expected a timestamp (epoch milliseconds or ISO-8601 with a time zone), got the string "yesterday"',
      },
      { path: 'kind', message: 'expected one of PLAY, SKIP, LIKE, got the string "PLAYY". Did you mean "PLAY"?' },
      {
        path: 'userid',
        message: 'unknown field "userid" (not in record com.acme.interactions.ListenEvent). Did you mean "userId"?',
      },
    ]);
  });

  it('rejects an int out of 32-bit range and a non-object event', () => {
    const result = schema.validate({ ...PLAIN_EVENT, device: { os: 'x', version: 2 ** 31 } });
    expect(result.errors).toEqual([{ path: 'device.version', message: '2147483648 is out of range for int (32-bit); use long' }]);
    expect(schema.validate([1]).errors).toEqual([
      { path: '', message: 'expected an object (record com.acme.interactions.ListenEvent), got an array' },
    ]);
  });

  it('encode throws EventInvalid with all errors in details', () => {
    try {
      schema.encode({ ...PLAIN_EVENT, userId: null, kind: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MeshError);
      const meshError = error as MeshError;
      expect(meshError.code).toBe('EventInvalid');
      expect(meshError.message).toBe(
        'The event does not match com.acme.interactions.ListenEvent at userId: expected long, got null (and 1 more).',
      );
      expect(meshError.details).toEqual({
        errors: [expect.objectContaining({ path: 'userId' }), expect.objectContaining({ path: 'kind' })],
      });
    }
  });
});

describe('Glue Schema Registry header', () => {
  const versionId = 'b7b4a7f0-0c1e-4b7d-9a4f-3c2d1e0f9a8b';
  const schema = compileEventSchema(LISTEN_EVENT);

  it('frames Avro bytes as version 3, compression 0, 16-byte UUID, then the payload', () => {
    const payload = schema.encode(PLAIN_EVENT);
    const framed = encodeWithGlueHeader(versionId, payload);
    expect(framed[0]).toBe(3);
    expect(framed[1]).toBe(0);
    expect(framed.subarray(2, 18).toString('hex')).toBe(versionId.replace(/-/g, ''));
    expect(framed.subarray(18).equals(payload)).toBe(true);
    expect(hasGlueHeader(framed)).toBe(true);
    const frame = decodeGlueHeader(framed);
    expect(frame).toEqual({ schemaVersionId: versionId, compression: 'none', payload });
    expect(schema.decode(frame.payload)).toEqual(DECODED_EVENT);
  });

  it('round-trips zlib compression (byte 5)', () => {
    const payload = Buffer.alloc(500, 7);
    const framed = encodeWithGlueHeader(versionId, payload, { compression: 'zlib' });
    expect(framed[1]).toBe(5);
    expect(framed.length).toBeLessThan(100);
    expect(decodeGlueHeader(framed).payload.equals(payload)).toBe(true);
  });

  it('rejects bad headers and ids', () => {
    expect(() => decodeGlueHeader(Buffer.from([3, 0, 1]))).toThrow(/fewer than the 18-byte header/);
    expect(() => decodeGlueHeader(Buffer.alloc(20, 0))).toThrow(/header version byte is 0, expected 3/);
    expect(() => decodeGlueHeader(Buffer.from([3, 9, ...Buffer.alloc(16)]))).toThrow(/unknown compression byte 9/);
    expect(() => encodeWithGlueHeader('not-a-uuid', Buffer.alloc(1))).toThrow(/not a schema version id/);
  });
});

describe('parseJsonLines', () => {
  it('numbers lines from 1, skips blank lines, reports bad JSON on its line', () => {
    const text = '\uFEFF{"a":1}\r\n\n{"a":\n  \n[2]\n';
    const lines = parseJsonLines(text);
    expect(lines.map((l) => l.line)).toEqual([1, 3, 5]);
    expect(lines[0]).toEqual({ line: 1, value: { a: 1 } });
    expect(lines[1]).toMatchObject({ line: 3, error: expect.stringMatching(/^not valid JSON/) });
    expect(lines[2]).toEqual({ line: 5, value: [2] });
  });

  it('feeds validation: plain JSON lines with union values validate', () => {
    const schema = compileEventSchema(LISTEN_EVENT);
    const text = [JSON.stringify(PLAIN_EVENT), JSON.stringify({ ...PLAIN_EVENT, coupon: null, device: null })].join('\n');
    const results = parseJsonLines(text).map((entry) => ('value' in entry ? schema.validate(entry.value).ok : false));
    expect(results).toEqual([true, true]);
  });
});
