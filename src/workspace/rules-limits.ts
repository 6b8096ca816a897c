import { ProblemCode } from './problems.js';
import type { Rule } from './rule.js';

/**
 * Lake Formation allows at most 1,000 values per LF-Tag key (API reference, LFTag: "The maximum number of values that
 * can be defined for a LF-Tag is 1000"; https://docs.aws.amazon.com/lake-formation/latest/APIReference/API_LFTag.html).
 * On aws mesh tags every table with its domain, product and classification, so more than 1,000 products with a table
 * (or domains) cannot all be published: the aws plan refuses it (LfTagValueLimit). A warning here, since the local
 * target has no such limit; the plan also counts values already on the key, which the files cannot see.
 */
const LF_TAG_MAX_VALUES = 1000;

export const lfTagValuesWithinLimit: Rule = ({ mesh, products }, report) => {
  const tabled = products.filter((p) => p.product.table);
  const keys = {
    product: new Set(tabled.map((p) => p.product.name)),
    domain: new Set(tabled.map((p) => p.product.domain)),
    classification: new Set(tabled.map((p) => p.product.classification)),
  };
  for (const [key, values] of Object.entries(keys)) {
    if (values.size <= LF_TAG_MAX_VALUES) continue;
    report.at(
      mesh.source,
      ['domains'],
      ProblemCode.LfTagValueLimit,
      `The workspace has ${values.size} ${key} values for the LF-Tag key "${key}" (products with a table port); Lake Formation allows at most ${LF_TAG_MAX_VALUES} values per key, so publishing on aws will be refused.`,
      {
        severity: 'warning',
        hint: 'Split the products into two meshes, or keep this mesh on the local target.',
      },
    );
  }
};
