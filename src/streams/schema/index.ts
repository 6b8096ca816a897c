// Event schemas for stream ports: compatibility checks, event codec, schema registries (local and AWS Glue).
export { normalizeDefinition } from './avro-schema.js';
export {
  type CheckCompatibilityInput,
  type CompatibilityProblem,
  type CompatibilityResult,
  checkCompatibility,
  formatCompatibilityProblem,
  type PreviousSchemaVersion,
} from './compatibility.js';
export {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  DEFAULT_COMPATIBILITY_MODE,
  isCompatibilityMode,
  parseCompatibilityMode,
} from './compatibility-mode.js';
export {
  type CompiledEventSchema,
  type CompileEventSchemaOptions,
  compileEventSchema,
  type DecodeOptions,
  type EventEncoding,
  type EventField,
  type EventFieldError,
  type EventValidation,
} from './event-codec.js';
export {
  decodeGlueHeader,
  encodeWithGlueHeader,
  GLUE_HEADER_LENGTH,
  type GlueCompression,
  type GlueFrame,
  hasGlueHeader,
} from './glue-header.js';
export { type GlueClientLike, GlueSchemaRegistry, type GlueSchemaRegistryOptions } from './glue-registry.js';
export { isJsonLineError, type JsonLine, parseJsonLines } from './json-lines.js';
export { LOCAL_SCHEMA_DB_FILE, LocalSchemaRegistry } from './local-registry.js';
export {
  type ApplySchemaChangeOptions,
  type ApplySchemaChangeResult,
  applySchemaChange,
  incompatibleSchemaError,
  planSchemaChange,
  type RegisterResult,
  type SchemaChangePlan,
  type SchemaChangeRequest,
  type SchemaDescription,
  type SchemaRegistry,
  type SchemaVersionRecord,
} from './registry.js';
export type { ReadDirection } from './schema-resolution.js';
