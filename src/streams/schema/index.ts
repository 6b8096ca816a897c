// Event schemas for stream ports: compatibility checks, event codec, schema registries (local and AWS Glue).
export { normalizeDefinition } from './avro-schema.js';
export { checkCompatibility, formatCompatibilityProblem } from './compatibility.js';
export { COMPATIBILITY_MODES, type CompatibilityMode, parseCompatibilityMode } from './compatibility-mode.js';
export { type CompiledEventSchema, compileEventSchema } from './event-codec.js';
export { decodeGlueHeader, encodeWithGlueHeader, hasGlueHeader } from './glue-header.js';
export { type GlueClientLike, GlueSchemaRegistry } from './glue-registry.js';
export { parseJsonLines } from './json-lines.js';
export { LOCAL_SCHEMA_DB_FILE, LocalSchemaRegistry } from './local-registry.js';
export { applySchemaChange, planSchemaChange, type SchemaChangePlan, type SchemaRegistry } from './registry.js';
