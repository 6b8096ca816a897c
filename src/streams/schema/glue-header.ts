/**
 * The AWS Glue Schema Registry wire format (aws-glue-schema-registry SerDe):
 *   byte 0      header version, always 3
 *   byte 1      compression: 0 none, 5 zlib
 *   bytes 2–17  the schema version id (a UUID), as 16 raw bytes
 *   bytes 18…   the payload (Avro binary for AVRO), zlib-deflated when byte 1 is 5
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { MeshError } from '../../core/errors.js';

export const GLUE_HEADER_VERSION = 3;
export const GLUE_HEADER_LENGTH = 18;
const COMPRESSION_BYTES = { none: 0, zlib: 5 } as const;
export type GlueCompression = keyof typeof COMPRESSION_BYTES;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GlueFrame {
  readonly schemaVersionId: string;
  readonly compression: GlueCompression;
  /** The payload, already decompressed. */
  readonly payload: Buffer;
}

/** Prefixes `payload` with the Glue header for `schemaVersionId` (compressing it when asked). */
export function encodeWithGlueHeader(schemaVersionId: string, payload: Buffer, options: { compression?: GlueCompression } = {}): Buffer {
  if (!UUID.test(schemaVersionId)) {
    throw new MeshError('SchemaVersionIdInvalid', `"${schemaVersionId}" is not a schema version id (a UUID).`, {
      hint: 'Use the SchemaVersionId the registry returned when the schema was registered.',
    });
  }
  const compression = options.compression ?? 'none';
  const header = Buffer.alloc(GLUE_HEADER_LENGTH);
  header[0] = GLUE_HEADER_VERSION;
  header[1] = COMPRESSION_BYTES[compression];
  Buffer.from(schemaVersionId.replace(/-/g, ''), 'hex').copy(header, 2);
  return Buffer.concat([header, compression === 'zlib' ? deflateSync(payload) : payload]);
}

/** True when `buffer` starts like a Glue Schema Registry frame. */
export function hasGlueHeader(buffer: Buffer): boolean {
  return (
    buffer.length >= GLUE_HEADER_LENGTH &&
    buffer[0] === GLUE_HEADER_VERSION &&
    (buffer[1] === COMPRESSION_BYTES.none || buffer[1] === COMPRESSION_BYTES.zlib)
  );
}

/** Splits a Glue frame into schema version id and (decompressed) payload. Throws MeshError `GlueHeaderInvalid`. */
export function decodeGlueHeader(buffer: Buffer): GlueFrame {
  if (buffer.length < GLUE_HEADER_LENGTH) {
    throw headerError(`the message has ${buffer.length} bytes, fewer than the ${GLUE_HEADER_LENGTH}-byte header`);
  }
  if (buffer[0] !== GLUE_HEADER_VERSION) {
    throw headerError(`header version byte is ${buffer[0]}, expected ${GLUE_HEADER_VERSION}`);
  }
  const compression = buffer[1] === COMPRESSION_BYTES.none ? 'none' : buffer[1] === COMPRESSION_BYTES.zlib ? 'zlib' : undefined;
  if (!compression) throw headerError(`unknown compression byte ${buffer[1]} (expected 0 for none or 5 for zlib)`);
  const hex = buffer.subarray(2, GLUE_HEADER_LENGTH).toString('hex');
  const schemaVersionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const body = buffer.subarray(GLUE_HEADER_LENGTH);
  let payload: Buffer;
  try {
    payload = compression === 'zlib' ? inflateSync(body) : Buffer.from(body);
  } catch (error) {
    throw headerError(`the zlib payload does not inflate: ${(error as Error).message}`);
  }
  return { schemaVersionId, compression, payload };
}

function headerError(reason: string): MeshError {
  return new MeshError('GlueHeaderInvalid', `Not a Glue Schema Registry message: ${reason}.`, {
    hint: 'The producer may not use the Glue Schema Registry serializer; try decoding without the header.',
  });
}
