/**
 * An event schema compiled for validating, encoding and decoding events of one stream port.
 * Input is natural JSON (see json-conversion.ts). Encodings:
 *   avro: Avro binary (add the Glue Schema Registry header with encodeWithGlueHeader when producing to MSK).
 *   json: the natural JSON text, validated first (timestamp-millis written as epoch milliseconds).
 */
import type avsc from 'avsc';
import { MeshError } from '../../core/errors.js';
import { type AvroType, describeAvroType, isRecord, parseAvroSchema } from './avro-schema.js';
import { avroToJson, avroToNatural, type EventFieldError, naturalToAvro } from './json-conversion.js';

export type EventEncoding = 'avro' | 'json';
type AvscResolver = ReturnType<AvroType['createResolver']>;

export type { EventFieldError } from './json-conversion.js';

export interface EventField {
  readonly name: string;
  /** Readable type: `string`, `null | string`, `timestamp-millis`, `enum Kind`, `array<record Line>`. */
  readonly avroType: string;
  /** false when the field has a default and may be left out. */
  readonly required: boolean;
  readonly doc?: string;
}

export interface EventValidation {
  readonly ok: boolean;
  readonly errors: readonly EventFieldError[];
}

export interface DecodeOptions {
  /** Avro only: the schema the bytes were written with, when it differs from this one (schema resolution). */
  readonly writerSchema?: string;
}

export interface CompiledEventSchema {
  /** Full name of the top-level record (`com.acme.ListenEvent`), or the type name. */
  readonly name: string;
  readonly encoding: EventEncoding;
  /** Top-level fields (empty when the schema is not a record). */
  readonly fields: readonly EventField[];
  validate(value: unknown): EventValidation;
  /** Validates, then encodes. Throws MeshError `EventInvalid` with every error in `details.errors`. */
  encode(value: unknown): Buffer;
  /** Decodes to plain JS: unions unwrapped, timestamp-millis as Date, bytes as Buffer. Throws `EventDecodeFailed`. */
  decode(buffer: Buffer, options?: DecodeOptions): unknown;
  /** A valid event (natural JSON or decoded) as JSON-safe natural JSON, for printing. Throws `EventInvalid`. */
  toJson(value: unknown): unknown;
}

export interface CompileEventSchemaOptions {
  readonly encoding?: EventEncoding;
  /** Names the schema in error messages (a file name, a product name). */
  readonly label?: string;
}

/** Compiles an Avro schema JSON text. Throws MeshError `SchemaInvalid` when it does not parse. */
export function compileEventSchema(avroJsonText: string, options: CompileEventSchemaOptions = {}): CompiledEventSchema {
  const encoding = options.encoding ?? 'avro';
  const type = parseAvroSchema(avroJsonText, {
    logicalTypes: true,
    label: options.label,
  });
  const resolvers = new Map<string, AvscResolver>();

  const convertOrThrow = (value: unknown): unknown => {
    const errors: EventFieldError[] = [];
    const converted = naturalToAvro(type, value, errors);
    if (errors.length > 0) throw invalidEvent(errors, type);
    return converted;
  };

  const fromAvroBinary = (buffer: Buffer, decodeOptions: DecodeOptions): unknown => {
    let resolver: AvscResolver | undefined;
    if (decodeOptions.writerSchema !== undefined) {
      resolver = resolvers.get(decodeOptions.writerSchema);
      if (!resolver) {
        const writer = parseAvroSchema(decodeOptions.writerSchema, {
          logicalTypes: true,
          label: 'the writer schema',
        });
        try {
          resolver = type.createResolver(writer);
        } catch (error) {
          throw new MeshError(
            'EventDecodeFailed',
            `This schema cannot read data written with the writer schema: ${(error as Error).message}`,
            { cause: error },
          );
        }
        resolvers.set(decodeOptions.writerSchema, resolver);
      }
    }
    try {
      return avroToNatural(type, type.fromBuffer(buffer, resolver));
    } catch (error) {
      throw new MeshError(
        'EventDecodeFailed',
        `Could not decode ${buffer.length} bytes as ${type.name ?? 'the event'}: ${(error as Error).message}`,
        {
          hint: 'Check the message was written with this schema (or pass the writer schema), and whether it has a Glue header.',
          cause: error,
        },
      );
    }
  };

  const fromJsonBytes = (buffer: Buffer): unknown => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(buffer.toString('utf8'));
    } catch (error) {
      throw new MeshError('EventDecodeFailed', `The message is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return avroToNatural(type, convertOrThrow(parsed));
  };

  return {
    name: type.name ?? type.typeName,
    encoding,
    fields: isRecord(type) ? type.fields.map(describeField) : [],
    validate(value) {
      const errors: EventFieldError[] = [];
      naturalToAvro(type, value, errors);
      return { ok: errors.length === 0, errors };
    },
    encode(value) {
      const converted = convertOrThrow(value);
      if (encoding === 'json') return Buffer.from(JSON.stringify(avroToJson(type, converted)), 'utf8');
      return type.toBuffer(converted);
    },
    decode(buffer, decodeOptions = {}) {
      return encoding === 'json' ? fromJsonBytes(buffer) : fromAvroBinary(buffer, decodeOptions);
    },
    toJson(value) {
      return avroToJson(type, convertOrThrow(value));
    },
  };
}

function describeField(field: avsc.types.Field): EventField {
  const doc = (field as unknown as { doc?: unknown }).doc;
  return {
    name: field.name,
    avroType: describeAvroType(field.type),
    required: field.defaultValue() === undefined,
    ...(typeof doc === 'string' ? { doc } : {}),
  };
}

function invalidEvent(errors: readonly EventFieldError[], type: AvroType): MeshError {
  const first = errors[0];
  const where = first && first.path !== '' ? ` at ${first.path}` : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new MeshError(
    'EventInvalid',
    `The event does not match ${type.name ?? 'the schema'}${where}: ${first?.message ?? 'invalid'}${more}.`,
    {
      hint: "Fix the event to match the product's event schema (`mesh describe <product>` shows its fields).",
      details: { errors },
    },
  );
}
