/** The catalog plane's resource types and the spec each one's changes carry (see ResourceSpecs in src/engine/plan.ts). */
import type {
  BucketPolicySpec,
  CatalogResourceType,
  DatabaseLinkSpec,
  DatabaseSpec,
  GrantSpec,
  LfTagSpec,
  LocationSpec,
  TableLinkSpec,
  TableSpec,
} from './port.js';

declare module '../engine/plan.js' {
  interface ResourceSpecs {
    'glue-database': DatabaseSpec;
    'resource-link-database': DatabaseLinkSpec;
    'glue-table': TableSpec;
    'resource-link': TableLinkSpec;
    'lf-location': LocationSpec;
    'lf-tag': LfTagSpec;
    'lf-grant': GrantSpec;
    'bucket-policy': BucketPolicySpec;
  }
}

export const CATALOG_TYPES: readonly CatalogResourceType[] = [
  'glue-database',
  'resource-link-database',
  'glue-table',
  'resource-link',
  'lf-location',
  'lf-tag',
  'lf-grant',
  'bucket-policy',
];
