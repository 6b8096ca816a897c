/**
 * What went wrong with a dataset query in Athena, in words a user can act on: a missing or disabled work group, an
 * output location Athena cannot write, a role without the Athena/Glue/S3/Lake Formation permissions, a resource link
 * that is not there, or any other failure with the SQL to try in the Athena console.
 */
import { fromAwsError } from '../../aws/errors.js';
import { MeshError } from '../../core/errors.js';
import type { Domain } from '../../workspace/model.js';

interface QueryPlace {
  readonly domain: Domain;
  readonly account: string;
  readonly workGroup: string;
  readonly outputLocation: string;
  readonly configFile: string;
}

const where = (p: QueryPlace) => `account ${p.account} (${p.domain.access.region}, domain ${p.domain.name})`;

const permissionsHint = (p: QueryPlace) =>
  `The role mesh uses in ${where(p)} needs athena:StartQueryExecution, athena:GetQueryExecution and athena:GetQueryResults on work group ` +
  `${p.workGroup}, s3:PutObject/GetObject/GetBucketLocation on ${p.outputLocation}, glue:GetDatabase/GetTable on the resource links, ` +
  'and lakeformation:GetDataAccess (see `mesh doctor`).';

const outputHint = (p: QueryPlace) =>
  `Athena writes results to ${p.outputLocation}: make sure that bucket exists in ${where(p)} and the role can write to it, ` +
  `or set aws.bucket / aws.prefix in ${p.configFile}.`;

/** StartQueryExecution was refused. */
export function athenaStartError(error: unknown, p: QueryPlace): MeshError {
  const message = (error as { message?: string })?.message ?? String(error);
  const name = (error as { name?: string })?.name ?? '';
  if (/work ?group/i.test(message) && /not (be )?found|does not exist|not exist/i.test(message)) {
    return new MeshError('AthenaWorkGroupMissing', `The Athena work group "${p.workGroup}" does not exist in ${where(p)}.`, {
      hint: `Create it (\`aws athena create-work-group --name ${p.workGroup}\`) or set aws.athenaWorkGroup in ${p.configFile} to one that exists (default: primary).`,
      cause: error,
    });
  }
  if (/work ?group/i.test(message) && /disabled/i.test(message)) {
    return new MeshError('AthenaWorkGroupDisabled', `The Athena work group "${p.workGroup}" in ${where(p)} is disabled.`, {
      hint: `Enable it (\`aws athena update-work-group --work-group ${p.workGroup} --state ENABLED\`) or set aws.athenaWorkGroup in ${p.configFile}.`,
      cause: error,
    });
  }
  if (/output (location|bucket)/i.test(message)) {
    return new MeshError('AthenaOutputLocation', `Athena cannot use the output location ${p.outputLocation}: ${message}`, {
      hint: outputHint(p),
      cause: error,
    });
  }
  const mesh = fromAwsError(error, `starting an Athena query in ${where(p)}`);
  if (mesh.code === 'AccessDenied' || name === 'AccessDeniedException') {
    return new MeshError('AccessDenied', mesh.message, { hint: permissionsHint(p), cause: error });
  }
  return mesh;
}

export interface FailedQuery extends QueryPlace {
  readonly queryId: string;
  readonly sql: string;
  readonly status?: string;
  readonly reason?: string;
  /** What the query was for (default: the Personalize datasets). */
  readonly purpose?: string;
  /** The command to run again. */
  readonly rerun?: string;
}

/** The query ended FAILED or CANCELLED. */
export function athenaFailure(q: FailedQuery): MeshError {
  const reason = q.reason ?? '(Athena gave no reason)';
  const details = { queryExecutionId: q.queryId, status: q.status, reason: q.reason, workGroup: q.workGroup, sql: q.sql };
  const message = `The Athena query for ${q.purpose ?? 'the Personalize datasets'} ended ${q.status ?? 'FAILED'} (query ${q.queryId}): ${reason}`;
  if (q.status === 'CANCELLED') {
    return new MeshError('AthenaQueryCancelled', message, {
      hint: `Someone cancelled it in Athena; ${q.rerun ?? 'run `mesh personalize train` again.'}`,
      details,
    });
  }
  if (
    /TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|Table .* does not exist|Schema .* does not exist|Database .* not found|EntityNotFound/i.test(reason)
  ) {
    return new MeshError('AthenaTableMissing', message, {
      hint: `The resource links Athena reads are made by \`mesh subscribe <product> --domain ${q.domain.name} --table\` (after \`mesh publish-product\`); run them on the aws target.`,
      details,
    });
  }
  if (/output (location|bucket)|verify\/create output|writing to location|NoSuchBucket/i.test(reason)) {
    return new MeshError('AthenaOutputLocation', message, { hint: outputHint(q), details });
  }
  if (/Lake Formation|permission|Access ?Denied|not authorized/i.test(reason)) {
    return new MeshError('AccessDenied', message, {
      hint: `Check the subscription's grants (\`mesh subscribe <product> --domain ${q.domain.name} --table\`). ${permissionsHint(q)}`,
      details,
    });
  }
  return new MeshError('AthenaQueryFailed', message, {
    hint: `Run the SQL (in --json details) in the Athena console, work group ${q.workGroup} of ${where(q)}, to see the problem.`,
    details,
  });
}
