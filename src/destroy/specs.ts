/** What the destroy plane removes on aws: one spec per removal, carried by the plan's `destroy` changes. */
import type { PrincipalResourcePermissions } from '@aws-sdk/client-lakeformation';
import type { ResourceRef } from '../engine/plan.js';

/** The Personalize resources mesh creates, in the order AWS lets them be deleted. */
export type PersonalizeKind = 'campaign' | 'event-tracker' | 'filter' | 'solution' | 'dataset' | 'dataset-group' | 'schema';

export type DestroySpec =
  | { readonly kind: 'lf-grant'; readonly account: string; readonly entry: PrincipalResourcePermissions; readonly subscriber: boolean }
  | { readonly kind: 'glue-database'; readonly account: string; readonly name: string }
  | { readonly kind: 'lf-location'; readonly account: string; readonly resourceArn: string }
  | { readonly kind: 'bucket-statements'; readonly account: string; readonly bucket: string; readonly sid: string }
  | { readonly kind: 'schema'; readonly account: string; readonly registry: string; readonly name: string }
  | { readonly kind: 'data'; readonly account: string; readonly bucket: string; readonly prefix: string; readonly objects?: number }
  | { readonly kind: 'glue-job'; readonly account: string; readonly name: string }
  /** A file mesh wrote in the workspace about aws resources it made (the outputs.json of a Personalize deploy). */
  | { readonly kind: 'local-file'; readonly account: string; readonly path: string }
  | {
      readonly kind: 'personalize';
      readonly account: string;
      readonly resource: PersonalizeKind;
      readonly arn: string;
      readonly name: string;
    };

export interface Removal {
  readonly ref: ResourceRef<'destroy'>;
  readonly spec: DestroySpec;
  readonly action: 'delete' | 'revoke';
  /**
   * Runs after the removals of lower layers of the same group: in `catalog`, grants → databases and schemas →
   * locations, bucket statements and data; in `personalize:<domain>`, campaigns → event tracker and filters →
   * solutions → datasets → dataset group → schemas → the uploaded CSVs; in `transforms:<domain>`, Glue jobs → their
   * scripts and outputs.
   */
  readonly layer: number;
  /** Default `catalog`. */
  readonly group?: string;
}

export type RefMaker = (id: string, label: string, account: string) => ResourceRef<'destroy'>;
