/** The transforms plane's messages (src/transforms/messages.ts), in words. */
import type { AreaRenderers } from './types.js';

export const transformRenderers: AreaRenderers<'transform'> = {
  'transform.athena.rows': (d) => `${d.label}: ${d.rows} rows (query ${d.queryId})`,
  'transform.glue.job': (d) => `Glue job ${d.jobName}: ${d.job} (script ${d.script})`,
};
