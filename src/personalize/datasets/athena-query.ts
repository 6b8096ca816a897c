/**
 * The aws form of the dataset query: the SELECT the dataset builder writes, run by Amazon Athena in the consumer's
 * account over its resource links (src/transforms/athena/select.ts), with its results under the Personalize bucket.
 */
import { type AthenaQueryOptions, runAthenaSelect } from '../../transforms/athena/select.js';
import { type PersonalizeProject, personalizeBucket } from '../project.js';
import type { QueryRows } from './build.js';

export { type AthenaQueryOptions, athenaValue, runAthenaSelect } from '../../transforms/athena/select.js';

/** `s3://<the personalize bucket>/<prefix>/athena/`: the dataset queries' result files. */
export function athenaOutputLocation(project: PersonalizeProject): string {
  const prefix = project.config.aws.prefix.replace(/^\/+|\/+$/g, '');
  return `s3://${personalizeBucket(project)}/${prefix === '' ? '' : `${prefix}/`}athena/`;
}

/** The dataset query of a Personalize project on aws: Athena in the project domain's account. */
export function athenaQuery(options: AthenaQueryOptions): QueryRows {
  return (sql) => runAthenaSelect({ rerun: 'Run `mesh personalize train` again.', ...options }, sql);
}
