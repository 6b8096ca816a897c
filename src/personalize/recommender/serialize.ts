/**
 * Model file format: `MESHREC1` (8 bytes), header length (uint32 LE), header JSON (UTF-8), zero padding to a
 * multiple of 8, then the typed arrays back to back (each 8-byte aligned, little-endian as in memory on
 * every platform Node supports). The header lists each array's name, type, offset and length.
 */
import { MeshError } from '../../core/errors.js';
import type { ItemFeatures } from './item-features.js';
import type { RealtimeEvent, TrainedModel } from './model.js';

const MAGIC = 'MESHREC1';

type ArrayType = 'f32' | 'f64' | 'i32';
type Typed = Float32Array | Float64Array | Int32Array;

interface SectionInfo {
  name: string;
  type: ArrayType;
  offset: number;
  length: number;
}

interface Header {
  model: Omit<
    TrainedModel,
    | 'popularity'
    | 'userPtr'
    | 'eventItems'
    | 'eventTs'
    | 'easeWeights'
    | 'neighbors'
    | 'trend'
    | 'features'
    | 'realtime'
    | 'itemIndex'
    | 'userIndex'
    | 'vocabIndex'
  >;
  features: Omit<ItemFeatures, 'itemTokens'>;
  realtime: [string, [number, number][]][];
  trend?: { refTs: number; halfLifeDays: number };
  sections: SectionInfo[];
}

function typeOf(a: Typed): ArrayType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  return 'i32';
}

function flattenTokens(tokens: readonly Int32Array[]): { ptr: Int32Array; idx: Int32Array } {
  const ptr = new Int32Array(tokens.length + 1);
  tokens.forEach((t, i) => {
    ptr[i + 1] = (ptr[i] as number) + t.length;
  });
  const idx = new Int32Array(ptr[tokens.length] as number);
  tokens.forEach((t, i) => {
    idx.set(t, ptr[i] as number);
  });
  return { ptr, idx };
}

export function serializeModel(model: TrainedModel): Buffer {
  const {
    popularity,
    userPtr,
    eventItems,
    eventTs,
    easeWeights,
    neighbors,
    trend,
    features,
    realtime,
    itemIndex: _itemIndex,
    userIndex: _userIndex,
    vocabIndex: _vocabIndex,
    ...plain
  } = model;
  const { itemTokens, ...featurePlain } = features;
  const tokens = flattenTokens(itemTokens);
  const arrays: [string, Typed][] = [
    ['popularity', popularity],
    ['userPtr', userPtr],
    ['eventItems', eventItems],
    ['eventTs', eventTs],
    ['tokenPtr', tokens.ptr],
    ['tokenIdx', tokens.idx],
  ];
  if (easeWeights) arrays.push(['easeWeights', easeWeights]);
  if (neighbors) arrays.push(['neighborPtr', neighbors.ptr], ['neighborIdx', neighbors.idx], ['neighborVal', neighbors.val]);
  if (trend) arrays.push(['trendPtr', trend.ptr], ['trendTs', trend.ts], ['trendCum', trend.cum]);
  let offset = 0;
  const sections: SectionInfo[] = arrays.map(([name, a]) => {
    const info = { name, type: typeOf(a), offset, length: a.length };
    offset += Math.ceil(a.byteLength / 8) * 8;
    return info;
  });
  const header: Header = {
    model: plain,
    features: featurePlain,
    realtime: [...realtime].map(([user, events]) => [user, events.map((e) => [e.item, e.ts] as [number, number])]),
    ...(trend ? { trend: { refTs: trend.refTs, halfLifeDays: trend.halfLifeDays } } : {}),
    sections,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = Math.ceil((12 + json.length) / 8) * 8;
  const buf = Buffer.alloc(dataStart + offset);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(json.length, 8);
  json.copy(buf, 12);
  arrays.forEach(([, a], k) => {
    const s = sections[k] as SectionInfo;
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, dataStart + s.offset);
  });
  return buf;
}

function invalid(reason: string): MeshError {
  return new MeshError('PersonalizeModelInvalid', `Not a mesh recommendation model: ${reason}.`, {
    hint: 'Train the model again; the file may be truncated or from another program.',
  });
}

function readSection(buf: Buffer, dataStart: number, s: SectionInfo): Typed {
  const bytesPer = s.type === 'f64' ? 8 : 4;
  const start = dataStart + s.offset;
  const end = start + s.length * bytesPer;
  if (end > buf.length) throw invalid(`section ${s.name} runs past the end`);
  const copy = new Uint8Array(buf.subarray(start, end)); // aligned copy
  if (s.type === 'f32') return new Float32Array(copy.buffer);
  if (s.type === 'f64') return new Float64Array(copy.buffer);
  return new Int32Array(copy.buffer);
}

export function deserializeModel(buf: Buffer | Uint8Array): TrainedModel {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('latin1', 0, 8) !== MAGIC) throw invalid('missing MESHREC1 header');
  const jsonLength = b.readUInt32LE(8);
  if (12 + jsonLength > b.length) throw invalid('header runs past the end');
  let header: Header;
  try {
    header = JSON.parse(b.toString('utf8', 12, 12 + jsonLength)) as Header;
  } catch (cause) {
    throw invalid(`header is not JSON (${String(cause)})`);
  }
  const version = header.model?.formatVersion;
  if (Number.isInteger(version) && (version as number) > 2) {
    throw new MeshError(
      'PersonalizeModelInvalid',
      `The recommendation model has format version ${String(version)}, newer than this mesh reads.`,
      {
        hint: 'Upgrade mesh (npm install mesh-cli@latest), or train the model again with this one.',
      },
    );
  }
  if (version !== 1 && version !== 2) throw invalid(`unsupported format version ${String(version)}`);
  const dataStart = Math.ceil((12 + jsonLength) / 8) * 8;
  const get = <T extends Typed>(name: string): T | undefined => {
    const s = header.sections.find((x) => x.name === name);
    return s ? (readSection(b, dataStart, s) as T) : undefined;
  };
  const need = <T extends Typed>(name: string): T => {
    const a = get<T>(name);
    if (!a) throw invalid(`section ${name} is missing`);
    return a;
  };
  const tokenPtr = need<Int32Array>('tokenPtr');
  const tokenIdx = need<Int32Array>('tokenIdx');
  const itemTokens: Int32Array[] = [];
  for (let i = 0; i + 1 < tokenPtr.length; i++) itemTokens.push(tokenIdx.slice(tokenPtr[i], tokenPtr[i + 1]));
  const features: ItemFeatures = { ...header.features, itemTokens };
  const neighborPtr = get<Int32Array>('neighborPtr');
  const easeWeights = get<Float32Array>('easeWeights');
  const trendPtr = get<Int32Array>('trendPtr');
  const model: TrainedModel = {
    ...header.model,
    popularity: need<Float32Array>('popularity'),
    userPtr: need<Int32Array>('userPtr'),
    eventItems: need<Int32Array>('eventItems'),
    eventTs: need<Float64Array>('eventTs'),
    ...(easeWeights ? { easeWeights } : {}),
    ...(neighborPtr
      ? { neighbors: { ptr: neighborPtr, idx: need<Int32Array>('neighborIdx'), val: need<Float32Array>('neighborVal') } }
      : {}),
    ...(trendPtr && header.trend
      ? { trend: { ptr: trendPtr, ts: need<Float64Array>('trendTs'), cum: need<Float64Array>('trendCum'), ...header.trend } }
      : {}),
    features,
    realtime: new Map(header.realtime.map(([user, events]) => [user, events.map(([item, ts]): RealtimeEvent => ({ item, ts }))])),
    itemIndex: new Map(header.model.itemIds.map((id, i) => [id, i])),
    userIndex: new Map(header.model.userIds.map((id, i) => [id, i])),
    vocabIndex: new Map(features.vocab.map((t, i) => [t, i])),
  };
  return model;
}
