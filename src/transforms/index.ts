/**
 * A domain's SQL transforms: run locally by DuckDB, rendered for aws as a Glue job or an Athena query; the plane
 * (plane.ts) plans the Glue jobs, the port (port.ts) has an aws/ and a local/ adapter.
 */

export { runTransform } from './local/run.js';
export { renderAthenaQuery, renderGlueJob, renderTransform } from './render-aws.js';
export { rewriteTableReferences, tableNamesIn } from './sql-tables.js';
