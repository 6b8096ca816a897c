/**
 * The resources `mesh bootstrap` wants, from the workspace alone (pure; the admin principal is passed in). The same
 * list is planned against what exists (aws) and written as CloudFormation templates (`--template`).
 */
import { LF_TAG_KEYS } from '../catalog/names.js';
import { MeshError } from '../core/errors.js';
import type { DesiredResource, ResourceRef } from '../engine/plan.js';
import { keyOf } from '../engine/plan.js';
import { LOCK_TABLE } from '../lock/port.js';
import { s3Prefix } from '../workspace/locations.js';
import type { Domain, Workspace } from '../workspace/model.js';
import { fill, managedTags } from '../workspace/naming.js';
import { managedBuckets } from './buckets.js';
import type { BootstrapSpec, PolicyDocument } from './port.js';
import type { BootstrapResource, BootstrapResourceType } from './resources.js';

/** Lake Formation needs CROSS_ACCOUNT_VERSION 3 or later to grant to role ARNs in other accounts; mesh sets 4. */
export const MIN_CROSS_ACCOUNT_VERSION = 3;
export const TARGET_CROSS_ACCOUNT_VERSION = 4;

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

export function bootstrapRef(spec: BootstrapSpec): ResourceRef<BootstrapResourceType> {
  return bootstrapResource(spec).ref;
}

/** The (ref, spec) pair of a bootstrap spec: its kind decides its resource type. */
export function bootstrapResource(spec: BootstrapSpec): BootstrapResource {
  const base = { plane: 'bootstrap' as const, account: spec.account };
  switch (spec.kind) {
    case 'lf-settings':
      return { spec, ref: { ...base, type: 'lf-settings', id: spec.account, label: `Lake Formation settings (${spec.account})` } };
    case 'iam-role':
      return { spec, ref: { ...base, type: 'iam-role', id: `${spec.account}/${spec.name}`, label: `role ${spec.name} (${spec.account})` } };
    case 'schema-registry':
      return { spec, ref: { ...base, type: 'schema-registry', id: `${spec.account}/${spec.name}`, label: `schema registry ${spec.name}` } };
    case 'lf-tag':
      return { spec, ref: { ...base, type: 'lf-tag-key', id: `${spec.account}/${spec.key}`, label: `LF-Tag ${spec.key}` } };
    case 'lock-table':
      return { spec, ref: { ...base, type: 'lock-table', id: `${spec.account}/${spec.name}`, label: `lock table ${spec.name}` } };
    case 's3-bucket':
      return {
        spec,
        ref: { ...base, type: 'managed-bucket', id: `${spec.account}/${spec.name}`, label: `bucket ${spec.name} (${spec.domain})` },
      };
  }
}

export function bootstrapKey(spec: BootstrapSpec): string {
  return keyOf(bootstrapRef(spec));
}

/** Does bootstrap make this domain's role? Only the default `mesh-<domain>`; a roleName in the file names an existing role. */
export function managesDomainRole(domain: Domain): boolean {
  return domain.roleName === `mesh-${domain.name}`;
}

/** The principals a domain role trusts: the file's `trustedPrincipals`, else the domain account itself. */
export function trustedPrincipalsOf(domain: Domain): string[] {
  return domain.trustedPrincipals ? [...domain.trustedPrincipals] : [`arn:aws:iam::${domain.access.account}:root`];
}

function trustPolicy(principal: Record<string, string | string[]>): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] };
}

/** The service principal a Glue job assumes its role as. */
export const GLUE_SERVICE = 'glue.amazonaws.com';

/** Does the domain run a transform as a Glue job (engine: glue)? The job runs as the domain role. */
export function runsGlueJobs(domain: Domain): boolean {
  return domain.transforms.some((t) => t.engine === 'glue');
}

/**
 * A domain role's trust: the file's principals; for a domain with Glue transforms also Glue, in the form of Glue's own
 * documented service-role trust (no `aws:SourceAccount` condition: Glue's documentation does not say it sends that key
 * when it assumes a job role, and a condition it does not meet would stop every job). What keeps another account from
 * using the role through Glue is `iam:PassRole`, which cannot pass a role across accounts.
 */
export function domainRoleTrust(domain: Domain): PolicyDocument {
  const people = trustPolicy({ AWS: trustedPrincipalsOf(domain) });
  if (!runsGlueJobs(domain)) return people;
  return {
    Version: '2012-10-17',
    Statement: [
      ...people.Statement,
      {
        Sid: 'GlueJobs',
        Effect: 'Allow',
        Principal: { Service: GLUE_SERVICE },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/** IAM's limit on a role's inline policies together (characters, whitespace not counted). */
const INLINE_POLICY_LIMIT = 10_240;

/** ListBucket on these buckets, under these key prefixes (`''`: the whole bucket, no condition). */
function listStatement(index: number, buckets: readonly string[], keys: readonly string[]): Record<string, unknown> {
  const arns = buckets.map((b) => `arn:aws:s3:::${b}`);
  return {
    Sid: `ListProductPrefixes${index}`,
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: arns.length === 1 ? arns[0] : arns,
    ...(keys.includes('') ? {} : { Condition: { StringLike: { 's3:prefix': sortedUnique(keys.map((k) => `${k}*`)) } } }),
  };
}

/**
 * The data-access role's S3 access: exactly the locations the domain files declare (every product location lies
 * inside one). One ListBucket statement per bucket; when that document is over IAM's inline limit, the buckets that
 * declare the same prefixes share one statement (the same bucket and prefix pairs, fewer characters); a document still
 * over the limit is refused (DataAccessPolicyTooLarge) before anything changes.
 */
export function dataAccessPolicy(ws: Workspace): PolicyDocument | undefined {
  const prefixes = ws.domains.flatMap((d) => (d.locations ?? []).flatMap((l) => s3Prefix(l) ?? []));
  if (prefixes.length === 0) return undefined;
  const objects = sortedUnique(prefixes.map((p) => `arn:aws:s3:::${p.bucket}/${p.prefix}*`));
  const objectStatement = {
    Sid: 'ProductObjects',
    Effect: 'Allow',
    Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
    Resource: objects,
  };
  const byBucket = new Map<string, string[]>();
  for (const p of prefixes) byBucket.set(p.bucket, [...(byBucket.get(p.bucket) ?? []), p.prefix]);
  const buckets = [...byBucket.entries()].sort(([a], [b]) => a.localeCompare(b));
  const exact: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [objectStatement, ...buckets.map(([bucket, keys], index) => listStatement(index, [bucket], keys))],
  };
  if (JSON.stringify(exact).length <= INLINE_POLICY_LIMIT) return exact;
  const groups = new Map<string, { buckets: string[]; keys: string[] }>();
  for (const [bucket, keys] of buckets) {
    const unique = sortedUnique(keys);
    const id = JSON.stringify(unique);
    const group = groups.get(id);
    if (group) group.buckets.push(bucket);
    else groups.set(id, { buckets: [bucket], keys: unique });
  }
  const shared: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [objectStatement, ...[...groups.values()].map((g, index) => listStatement(index, g.buckets, g.keys))],
  };
  const size = JSON.stringify(shared).length;
  if (size <= INLINE_POLICY_LIMIT) return shared;
  throw new MeshError(
    'DataAccessPolicyTooLarge',
    `The S3 policy of the data-access role ${ws.mesh.central.dataAccessRoleName} has ${size} characters for ${prefixes.length} declared locations in ${buckets.length} buckets, over IAM's ${INLINE_POLICY_LIMIT} for a role's inline policies.`,
    {
      hint: 'Declare fewer locations under locations: in the domain files (one bucket or prefix per domain, the same prefix name in each bucket, e.g. products/).',
    },
  );
}

/** A domain role: reads the catalog it is granted on through Lake Formation (in its own and the central account). */
export function domainRolePolicy(ws: Workspace, domain: Domain): PolicyDocument {
  const glue = (region: string, account: string) => [
    `arn:aws:glue:${region}:${account}:catalog`,
    `arn:aws:glue:${region}:${account}:database/*`,
    `arn:aws:glue:${region}:${account}:table/*/*`,
  ];
  const central = ws.mesh.central;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'LakeFormationDataAccess', Effect: 'Allow', Action: 'lakeformation:GetDataAccess', Resource: '*' },
      {
        Sid: 'CatalogRead',
        Effect: 'Allow',
        Action: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
        Resource: sortedUnique([...glue(domain.access.region, domain.access.account), ...glue(central.region, central.account)]),
      },
      ...(runsGlueJobs(domain) ? glueJobStatements(ws, domain) : []),
    ],
  };
}

/**
 * What a domain's Glue jobs need beyond the catalog reads above (src/transforms/render-aws.ts): read their scripts
 * under `s3://<artifact bucket>/transforms/<domain>/`, write and replace each transform's `output/` there (Spark's
 * overwrite deletes the old files; its `output_$folder$` marker sits beside the folder), list that prefix, and write
 * the job's logs to Glue's log groups in the domain's account. Nothing outside the domain's own transform prefix.
 */
export function glueJobStatements(ws: Workspace, domain: Domain): Record<string, unknown>[] {
  const { account, region } = domain.access;
  const bucket = fill(ws.mesh.aws.artifactBucketPattern, { mesh: ws.mesh.name, domain: domain.name, account });
  const prefix = `transforms/${domain.name}/`;
  const logGroups = `arn:aws:logs:${region}:${account}:log-group:/aws-glue/jobs/*`;
  return [
    { Sid: 'GlueJobScripts', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/${prefix}*` },
    {
      Sid: 'GlueJobOutput',
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::${bucket}/${prefix}*/output*`,
    },
    {
      Sid: 'GlueJobList',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
    },
    {
      Sid: 'GlueJobLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [logGroups, `${logGroups}:log-stream:*`],
    },
  ];
}

/** LF-Tag keys with the values publishing would give them (publishing only ever adds values). */
function lfTagValues(ws: Workspace): Record<(typeof LF_TAG_KEYS)[number], string[]> {
  const tabled = ws.products.filter((p) => p.table);
  return {
    domain: sortedUnique(tabled.map((p) => p.domain)),
    product: sortedUnique(tabled.map((p) => p.name)),
    classification: sortedUnique(tabled.map((p) => p.classification)),
  };
}

/** Every resource bootstrap makes: central account first, one role per domain that mesh manages, the managed buckets. */
export function desiredBootstrap(ws: Workspace, admin: string): DesiredResource<BootstrapResourceType>[] {
  const central = ws.mesh.central.account;
  const tags = managedTags(ws.mesh, 'central');
  const specs: BootstrapSpec[] = [
    {
      kind: 'lf-settings',
      account: central,
      admins: [admin],
      crossAccountVersion: TARGET_CROSS_ACCOUNT_VERSION,
      noDefaultPermissions: true,
    },
  ];
  const policy = dataAccessPolicy(ws);
  specs.push({
    kind: 'iam-role',
    account: central,
    name: ws.mesh.central.dataAccessRoleName,
    description: `mesh ${ws.mesh.name}: Lake Formation reads and writes the registered product locations as this role`,
    trust: trustPolicy({ Service: 'lakeformation.amazonaws.com' }),
    ...(policy ? { policy } : {}),
    tags,
  });
  specs.push({ kind: 'schema-registry', account: central, name: ws.mesh.schemaRegistry, tags });
  const values = lfTagValues(ws);
  for (const key of LF_TAG_KEYS) if (values[key].length > 0) specs.push({ kind: 'lf-tag', account: central, key, values: values[key] });
  specs.push({ kind: 'lock-table', account: central, name: LOCK_TABLE });
  for (const d of ws.domains) {
    if (!managesDomainRole(d)) continue;
    specs.push({
      kind: 'iam-role',
      account: d.access.account,
      name: d.roleName,
      description: `mesh ${ws.mesh.name}: the ${d.name} domain's role, granted on the mesh's products${runsGlueJobs(d) ? '; its Glue transforms run as it' : ''}`,
      trust: domainRoleTrust(d),
      policy: domainRolePolicy(ws, d),
      tags: managedTags(ws.mesh, d.name),
    });
  }
  specs.push(...managedBuckets(ws));
  // LF-Tags are created by a data lake admin: after the settings make mesh one.
  const settingsKey = bootstrapKey(specs[0] as BootstrapSpec);
  return specs.map((spec) => ({ ...bootstrapResource(spec), ...(spec.kind === 'lf-tag' ? { dependsOn: [settingsKey] } : {}) }));
}

/** Every principal ARN the domain files declare as trusted (to check they exist before anything is changed). */
export function declaredPrincipals(ws: Workspace): string[] {
  return sortedUnique(ws.domains.filter(managesDomainRole).flatMap((d) => d.trustedPrincipals ?? []));
}
