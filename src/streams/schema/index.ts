// Event schemas for stream ports: compatibility checks, event codec, schema registries (local and AWS Glue).
export { normalizeDefinition } from './avro-schema.js';
export {
  type CheckCompatibilityInput,
  type CompatibilityProblem,
  type CompatibilityResult,
  type PreviousSchemaVersion,
  checkCompatibility,
  formatCompatibilityProblem,
} from './compatibility.js';
export {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  DEFAULT_COMPATIBILITY_MODE,
  isCompatibilityMode,
  parseCompatibilityMode,
} from './compatibility-mode.js';
export {
  type CompileEventSchemaOptions,
  type CompiledEventSchema,
  type DecodeOptions,
  type EventEncoding,
  type EventField,
  type EventFieldError,
  type EventValidation,
  compileEventSchema,
} from './event-codec.js';
export {
  GLUE_HEADER_LENGTH,
  type GlueCompression,
  type GlueFrame,
  decodeGlueHeader,
  encodeWithGlueHeader,
  hasGlueHeader,
} from './glue-header.js';
export { type JsonLine, isJsonLineError, parseJsonLines } from './json-lines.js';
export type { ReadDirection } from './schema-resolution.js';
