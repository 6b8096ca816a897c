/**
 * What `mesh bootstrap` sets up, as plain data: the resources mesh's planes rely on in each account. The aws adapter
 * observes and changes them; the local target needs none of them.
 */
import type { Change, ObservedResource } from '../engine/plan.js';
import type { BootstrapResourceType } from './resources.js';

/** An IAM policy document, as IAM reads it. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

export type BootstrapSpec =
  | {
      /** Lake Formation data lake settings (read-modify-write: existing admins and parameters are kept). */
      readonly kind: 'lf-settings';
      readonly account: string;
      /** Admins that must be there (others are kept). */
      readonly admins: readonly string[];
      /** At least this CROSS_ACCOUNT_VERSION. */
      readonly crossAccountVersion: number;
      /** No default permissions for IAMAllowedPrincipals on new databases and tables. */
      readonly noDefaultPermissions: boolean;
    }
  | {
      readonly kind: 'iam-role';
      readonly account: string;
      readonly name: string;
      readonly description: string;
      readonly trust: PolicyDocument;
      /** The role's one inline policy (`mesh-bootstrap`); absent: none. */
      readonly policy?: PolicyDocument;
      readonly tags: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'schema-registry'; readonly account: string; readonly name: string; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'lf-tag'; readonly account: string; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: 'lock-table'; readonly account: string; readonly name: string }
  | BucketSpec;

/** Default encryption of a bucket: SSE-S3, or SSE-KMS with the product file's key. */
export type BucketEncryption = { readonly algorithm: 'AES256' } | { readonly algorithm: 'aws:kms'; readonly kmsKey: string };

/** A producer bucket mesh manages (product file: customProperties `bucket: { managed: true }`), in its domain's account. */
export interface BucketSpec {
  readonly kind: 's3-bucket';
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly domain: string;
  /** The products whose location lies in it. */
  readonly products: readonly string[];
  /** Desired: always set. Observed: absent when the bucket has no default encryption. */
  readonly encryption?: BucketEncryption;
  /** All four public access block settings on. */
  readonly publicAccessBlocked: boolean;
  readonly versioning: boolean;
  /** Desired: mesh's tags. Observed: every tag the bucket has (kept on update). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The inline policy name on the roles bootstrap makes. */
export const ROLE_POLICY_NAME = 'mesh-bootstrap';

export interface BootstrapPort {
  /** The IAM ARN of the principal mesh runs as in the central account (an assumed role → its role ARN). */
  callerPrincipal(): Promise<string>;
  /** Which of these principal ARNs do not exist (checked in the accounts mesh can read; others are left to IAM). */
  missingPrincipals(arns: readonly string[]): Promise<string[]>;
  observe(desired: readonly BootstrapSpec[]): Promise<ObservedResource<BootstrapResourceType>[]>;
  execute(change: Change<BootstrapResourceType>): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}
