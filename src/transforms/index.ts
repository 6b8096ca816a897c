/** A domain's SQL transforms: run locally by DuckDB, rendered for aws as a Glue job or an Athena query. */
export {
  type AthenaArtefacts,
  type GlueJobArtefacts,
  type RenderOptions,
  renderAthenaQuery,
  renderGlueJob,
  renderTransform,
  type StartQueryExecutionInput,
  type TransformTable,
} from './render-aws.js';
export { type QueryRunner, type RunTransformOptions, runTransform, type TransformRun, toCsv } from './run-transform.js';
export { castTypesFor, rewriteTableReferences, tableNamesIn } from './sql-tables.js';
export { awsTableOf, findTransform, type TransformSource, transformSources } from './transform-sources.js';
