// Schema pairs for the compatibility matrix (compatibility-matrix.test.ts).
export type FieldSpec = Record<string, unknown>;
export const record = (fields: FieldSpec[], name = 'Event'): string =>
  JSON.stringify({ type: 'record', name, namespace: 'mesh.test', fields });
export const id: FieldSpec = { name: 'id', type: 'string' };
const kind = (symbols: string[], extra: Record<string, unknown> = {}): FieldSpec => ({
  name: 'kind',
  type: { type: 'enum', name: 'Kind', symbols, ...extra },
});
const address = (fields: FieldSpec[]): FieldSpec => ({
  name: 'address',
  type: { type: 'record', name: 'Address', fields },
});
const device = (fields: FieldSpec[]): FieldSpec => ({
  name: 'device',
  type: ['null', { type: 'record', name: 'Device', fields }],
  default: null,
});
const lines = (fields: FieldSpec[]): FieldSpec => ({
  name: 'lines',
  type: { type: 'array', items: { type: 'record', name: 'Line', fields } },
});
const node = (valueType: string): string =>
  JSON.stringify({
    type: 'record',
    name: 'Node',
    fields: [
      { name: 'value', type: valueType },
      { name: 'next', type: ['null', 'Node'], default: null },
    ],
  });

/**
 * One previous version, one new schema. backward: the new schema reads old data; forward: the old schema reads new
 * data. `field` is the dotted path the failing direction(s) must name.
 */
export interface Pair {
  readonly change: string;
  readonly old: string;
  readonly new: string;
  readonly backward: boolean;
  readonly forward: boolean;
  readonly field?: string;
}

export const PAIRS: readonly Pair[] = [
  { change: 'identical', old: record([id]), new: record([id]), backward: true, forward: true },
  {
    change: 'add optional field with default',
    old: record([id]),
    new: record([id, { name: 'note', type: ['null', 'string'], default: null }]),
    backward: true,
    forward: true,
  },
  {
    change: 'add field without default',
    old: record([id]),
    new: record([id, { name: 'country', type: 'string' }]),
    backward: false,
    forward: true,
    field: 'country',
  },
  {
    change: 'remove field that had a default',
    old: record([id, { name: 'note', type: 'string', default: '' }]),
    new: record([id]),
    backward: true,
    forward: true,
  },
  {
    change: 'remove field without default',
    old: record([id, { name: 'country', type: 'string' }]),
    new: record([id]),
    backward: true,
    forward: false,
    field: 'country',
  },
  {
    change: 'int → long (promotion)',
    old: record([{ name: 'count', type: 'int' }]),
    new: record([{ name: 'count', type: 'long' }]),
    backward: true,
    forward: false,
    field: 'count',
  },
  {
    change: 'long → int (narrowing)',
    old: record([{ name: 'count', type: 'long' }]),
    new: record([{ name: 'count', type: 'int' }]),
    backward: false,
    forward: true,
    field: 'count',
  },
  {
    change: 'float → double',
    old: record([{ name: 'score', type: 'float' }]),
    new: record([{ name: 'score', type: 'double' }]),
    backward: true,
    forward: false,
    field: 'score',
  },
  {
    change: 'string → bytes (both ways allowed)',
    old: record([{ name: 'blob', type: 'string' }]),
    new: record([{ name: 'blob', type: 'bytes' }]),
    backward: true,
    forward: true,
  },
  {
    change: 'string → int',
    old: record([id]),
    new: record([{ name: 'id', type: 'int' }]),
    backward: false,
    forward: false,
    field: 'id',
  },
  {
    change: 'enum symbol added',
    old: record([kind(['PLAY', 'SKIP'])]),
    new: record([kind(['PLAY', 'SKIP', 'LIKE'])]),
    backward: true,
    forward: false,
    field: 'kind',
  },
  {
    change: 'enum symbol removed',
    old: record([kind(['PLAY', 'SKIP', 'LIKE'])]),
    new: record([kind(['PLAY', 'SKIP'])]),
    backward: false,
    forward: true,
    field: 'kind',
  },
  {
    change: 'enum symbol removed, new enum has a default',
    old: record([kind(['PLAY', 'SKIP', 'LIKE'])]),
    new: record([kind(['PLAY', 'SKIP'], { default: 'PLAY' })]),
    backward: true,
    forward: true,
  },
  {
    change: 'string → ["null","string"] (made optional)',
    old: record([{ name: 'coupon', type: 'string' }]),
    new: record([{ name: 'coupon', type: ['null', 'string'], default: null }]),
    backward: true,
    forward: false,
    field: 'coupon',
  },
  {
    change: '["null","string"] → string (made required)',
    old: record([{ name: 'coupon', type: ['null', 'string'], default: null }]),
    new: record([{ name: 'coupon', type: 'string' }]),
    backward: false,
    forward: true,
    field: 'coupon',
  },
  {
    change: 'nested record: field added without default',
    old: record([address([{ name: 'street', type: 'string' }])]),
    new: record([
      address([
        { name: 'street', type: 'string' },
        { name: 'zip', type: 'string' },
      ]),
    ]),
    backward: false,
    forward: true,
    field: 'address.zip',
  },
  {
    change: 'array<string> → array<int>',
    old: record([{ name: 'tags', type: { type: 'array', items: 'string' } }]),
    new: record([{ name: 'tags', type: { type: 'array', items: 'int' } }]),
    backward: false,
    forward: false,
    field: 'tags[]',
  },
  {
    change: 'field renamed with an alias',
    old: record([{ name: 'user_id', type: 'string' }]),
    new: record([{ name: 'userId', type: 'string', aliases: ['user_id'] }]),
    backward: true,
    forward: false,
    field: 'user_id',
  },
  {
    change: 'record renamed',
    old: record([id], 'Event'),
    new: record([id], 'Evt'),
    backward: false,
    forward: false,
    field: '',
  },
  {
    change: 'map<int> → map<long>',
    old: record([{ name: 'scores', type: { type: 'map', values: 'int' } }]),
    new: record([{ name: 'scores', type: { type: 'map', values: 'long' } }]),
    backward: true,
    forward: false,
    field: 'scores{}',
  },
  {
    change: 'optional nested record: field added without default',
    old: record([device([{ name: 'os', type: 'string' }])]),
    new: record([
      device([
        { name: 'os', type: 'string' },
        { name: 'model', type: 'string' },
      ]),
    ]),
    backward: false,
    forward: true,
    field: 'device.model',
  },
  {
    change: 'long → timestamp-millis (logical type on the same long)',
    old: record([{ name: 'at', type: 'long' }]),
    new: record([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }]),
    backward: true,
    forward: true,
  },
  {
    change: 'fixed size changed',
    old: record([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 16 } }]),
    new: record([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size: 8 } }]),
    backward: false,
    forward: false,
    field: 'hash',
  },
  {
    change: 'union gains a branch',
    old: record([{ name: 'value', type: ['null', 'string'] }]),
    new: record([{ name: 'value', type: ['null', 'string', 'int'] }]),
    backward: true,
    forward: false,
    field: 'value',
  },
  {
    change: 'array of records: item field removed without default',
    old: record([
      lines([
        { name: 'sku', type: 'string' },
        { name: 'qty', type: 'int' },
      ]),
    ]),
    new: record([lines([{ name: 'sku', type: 'string' }])]),
    backward: true,
    forward: false,
    field: 'lines[].qty',
  },
  {
    change: 'recursive record: int → long',
    old: node('int'),
    new: node('long'),
    backward: true,
    forward: false,
    field: 'value',
  },
];
