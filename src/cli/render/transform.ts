/** Human renderings of `mesh transform` outcomes (the --json document is the result itself). */
import type { TransformOutcome } from '../../toolkit/transform.js';

/** The --json document: the run's result, or on a dry run what would run. */
export function transformDocument(o: TransformOutcome): unknown {
  if (o.kind === 'run') return o.result;
  if (o.kind === 'dry-run-local') return { target: o.target, transform: o.transform, sql: o.sql };
  const { kind: _kind, ...artefacts } = o;
  return artefacts;
}

export function renderTransformOutcome(o: TransformOutcome): string {
  if (o.kind === 'dry-run-local') return o.sql;
  if (o.kind === 'dry-run-aws') return o.engine === 'glue' ? `${o.script}\n# CreateJob: ${JSON.stringify(o.createJob, null, 2)}` : o.sql;
  const r = o.result;
  if ('sources' in r) return `${r.rowCount} row(s) from ${r.sources.join(', ')} → ${r.output}`;
  if ('engine' in r) return `Athena: ${r.rowCount} row(s) (${r.state}); results in ${r.outputLocation}, rows in ${r.outputFile}`;
  return r.runId
    ? `Glue job ${r.jobName} run ${r.runId}: ${r.runState}; output in ${r.outputLocation}`
    : `Glue job ${r.jobName}: ${r.job}.`;
}
