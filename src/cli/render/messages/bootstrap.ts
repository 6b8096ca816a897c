import type { AreaRenderers } from './types.js';

export const bootstrapRenderers: AreaRenderers<'bootstrap'> = {
  'bootstrap.bucket.kept': (d, s) =>
    s.yellow(
      `kept bucket ${d.bucket} (${d.domain}, account ${d.account}): it holds product data. --delete-data deletes it with every object version.`,
    ),
};
