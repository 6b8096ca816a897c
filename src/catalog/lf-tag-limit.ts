/**
 * Lake Formation's limit on the values of one LF-Tag key. The API reference (LFTag, TagValues): "The maximum number
 * of values that can be defined for a LF-Tag is 1000. A single API call supports 50 values."
 * (https://docs.aws.amazon.com/lake-formation/latest/APIReference/API_LFTag.html). moto does not enforce it, so mesh
 * checks it while planning: the `product` key gets one value per published product and mesh never removes a value,
 * so without this check the 1,001st product would fail half-way through a publish, at UpdateLFTag.
 */
import { configError, MeshError } from '../core/errors.js';
import { type DesiredResource, keyOf } from '../engine/plan.js';
import type { Product } from '../workspace/model.js';
import { CLASSIFICATION_PATTERN } from '../workspace/product-schema.js';
import type { CatalogObserved, CatalogResourceType } from './port.js';

const LF_TAG_MAX_VALUES = 1000;

/**
 * A product's classification is a value of the `classification` LF-Tag: refused before anything is planned when Lake
 * Formation would refuse it (validation reports it; this guards a Workspace that skipped validation).
 */
export function assertClassification(product: Product): void {
  if (CLASSIFICATION_PATTERN.test(product.classification)) return;
  throw configError('ConfigInvalid', `The classification of ${product.name} ("${product.classification}") cannot be an LF-Tag value.`, {
    location: { file: product.file },
    hint: 'Use letters, digits, spaces and _ . : / = + - @ %, at most 256 characters, e.g. confidential.',
  });
}

/** What a key would hold after the plan: the values already on it and the ones the files add (values only grow). */
interface LfTagCount {
  readonly total: number;
  readonly observed: number;
  readonly added: number;
  /** Values on the key that no product in the files uses any more. */
  readonly unused: number;
}

function countLfTagValues(desired: readonly string[], observed: readonly string[] = []): LfTagCount {
  const wanted = new Set(desired);
  const have = new Set(observed);
  const added = [...wanted].filter((v) => !have.has(v)).length;
  const unused = [...have].filter((v) => !wanted.has(v)).length;
  return { total: have.size + added, observed: have.size, added, unused };
}

/**
 * Refuses one LF-Tag key (in the catalog `catalog`) that would hold more values than Lake Formation allows: the
 * values on it now (`observed`; values are never removed) with the ones `desired` adds. Pure; shared by the catalog
 * plan and `mesh bootstrap`. `observed` undefined: the key's current values are not known (a CloudFormation
 * template). `nothing` ends the message (what was not done).
 */
export function requireLfTagKeyWithinLimit(
  key: string,
  catalog: string,
  desired: readonly string[],
  observed?: readonly string[],
  nothing = 'Nothing was changed.',
): void {
  const over = countLfTagValues(desired, observed);
  if (over.total <= LF_TAG_MAX_VALUES) return;
  const unused =
    over.unused > 0
      ? ` ${over.unused} of the values on it belong to no product in the files: remove them (aws lakeformation update-lf-tag --catalog-id ${catalog} --tag-key ${key} --tag-values-to-delete <values>, 50 per call) and run again.`
      : '';
  throw new MeshError(
    'LfTagValueLimit',
    `The LF-Tag key "${key}" in ${catalog} would hold ${over.total} values${observed ? ` (${over.observed} on it now, ${over.added} to add)` : ''}; Lake Formation allows at most ${LF_TAG_MAX_VALUES} values per key. ${nothing}`,
    {
      hint: `mesh tags every table with its ${key} and never removes a value.${unused || ' Publish fewer products in this mesh (split it into two meshes), or remove values no table uses any more from the key.'}`,
    },
  );
}

/** Refuses a plan that would give an LF-Tag key more values than Lake Formation allows (before anything is changed). */
export function requireLfTagValuesWithinLimit(
  desired: readonly DesiredResource<CatalogResourceType>[],
  observed: readonly CatalogObserved[],
): void {
  const found = new Map(observed.map((o) => [keyOf(o.ref), o.spec]));
  for (const d of desired) {
    if (d.spec.kind !== 'lf-tag') continue;
    const o = found.get(keyOf(d.ref));
    requireLfTagKeyWithinLimit(d.spec.key, d.spec.catalog, d.spec.values, o?.kind === 'lf-tag' ? o.values : []);
  }
}
