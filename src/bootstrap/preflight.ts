/**
 * Preflight: before a command's first change on aws, the cheap read-only checks `mesh doctor` has (src/doctor/), for
 * the accounts and planes it touches, plus that the domain roles it grants to exist. A failed check stops the run
 * before any mutating call (and before the lock), naming the check and `mesh bootstrap` as the fix, or the exact
 * manual fix for what bootstrap does not make. `preflight` serves the engine's commands (publish-product, subscribe,
 * unsubscribe, apply); `preflightCommand` the ones that change one domain's account (personalize, transform).
 */
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import type { Check, CheckResult } from '../doctor/checks.js';
import type { PlanScope } from '../engine/plane.js';
import type { Domain, Target, Workspace } from '../workspace/model.js';

/** What preflight needs of a run (the engine's PreflightStep is called with the run's options). */
export interface PreflightOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly scope: PlanScope;
  /** aws: the run's AwsClients. */
  readonly clients?: AwsClients;
}

/** The accounts and planes a run's scope touches: products' domains, subscribers, and the central account. */
export function preflightScope(ws: Workspace, scope: PlanScope): { accounts: Set<string>; catalog: boolean; streams: boolean } {
  const accounts = new Set<string>([ws.mesh.central.account]);
  const products = new Set<string>();
  let catalog = false;
  let streams = false;
  if (scope.include.publish) for (const name of scope.products ?? ws.products.map((p) => p.name)) products.add(name);
  if (scope.include.subscriptions) {
    const named = [...(scope.subscriptions ?? []), ...(scope.removals ?? [])];
    const subs =
      named.length > 0 || scope.subscriptions || scope.removals
        ? named
        : ws.domains.flatMap((d) =>
            d.subscriptions.map((s) => ({ product: s.product, domain: d.name, table: Boolean(s.table), stream: Boolean(s.stream) })),
          );
    for (const s of subs) {
      products.add(s.product);
      const d = ws.domains.find((x) => x.name === s.domain);
      if (d) accounts.add(d.access.account);
      if (s.table !== false) catalog = true;
      if (s.stream !== false) streams = true;
    }
  }
  for (const name of products) {
    const p = ws.products.find((x) => x.name === name);
    if (!p) continue;
    const d = ws.domains.find((x) => x.name === p.domain);
    if (d) accounts.add(d.access.account);
    if (p.table && scope.include.publish) catalog = true;
    if (p.stream && scope.include.publish) streams = true;
  }
  return { accounts, catalog, streams };
}

export async function preflight(options: PreflightOptions): Promise<void> {
  if (options.target !== 'aws') return;
  const ws = options.workspace;
  const { accounts, catalog, streams } = preflightScope(ws, options.scope);
  const [{ requireClients }, { awsChecks }, { domainRoleCheck, managedBucketCheck }, { requestedBuckets }] = await Promise.all([
    import('../aws/clients.js'),
    import('../doctor/checks.js'),
    import('../doctor/plane-checks.js'),
    import('../workspace/managed-buckets.js'),
  ]);
  // The run's clients: the credentials resolved here serve the lock and the planes after it.
  const clients = requireClients(options.clients, 'The aws preflight');
  const failed = await failures(awsChecks(ws, clients, { accounts, catalog, streams }));
  // The grantees: Lake Formation refuses grants to roles that do not exist.
  if (catalog && failed.length === 0) {
    failed.push(...(await failures(ws.domains.filter((d) => accounts.has(d.access.account)).map((d) => domainRoleCheck(clients, d)))));
  }
  // The buckets the published products ask mesh to manage: `mesh bootstrap` makes them (one HeadBucket each).
  if (options.scope.include.publish && failed.length === 0) {
    const published = options.scope.products ?? ws.products.map((p) => p.name);
    failed.push(...(await failures(requestedBuckets(ws, published).map((b) => managedBucketCheck(clients, b)))));
  }
  refuse(failed);
}

/** The commands outside the engine's publish/subscribe scopes that change one domain's account on aws. */
export type DomainCommand = 'personalize train' | 'personalize deploy' | 'personalize rollback' | 'transform';

export interface CommandPreflightOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly clients?: AwsClients;
  readonly command: DomainCommand;
  /** --domain (personalize: default the only domain with a Personalize template). */
  readonly domain?: string;
  /** transform: the transform's name (its engine picks the checks). */
  readonly transform?: string;
}

/**
 * Preflight of `mesh personalize train | deploy | rollback` and `mesh transform` on aws, before their lock and any
 * change: credentials in the central account (the lock) and the domain's (its role, assumed), the lock table
 * `mesh bootstrap` makes; for train the Personalize service role (trust, S3 read) and the bucket's policy; for
 * transform the artifact bucket it writes to and, for a Glue job, the domain role it runs as.
 */
export async function preflightCommand(options: CommandPreflightOptions): Promise<void> {
  if (options.target !== 'aws') return;
  const ws = options.workspace;
  const [{ requireClients }, { awsChecks }, plane, { fill }] = await Promise.all([
    import('../aws/clients.js'),
    import('../doctor/checks.js'),
    import('../doctor/plane-checks.js'),
    import('../workspace/naming.js'),
  ]);
  const clients = requireClients(options.clients, 'The aws preflight');
  let domain: Domain;
  const extra: Check[] = [];
  if (options.command === 'transform') {
    const { requireDomain } = await import('../workspace/require-domain.js');
    domain = requireDomain(ws, options.domain ?? '');
    const transform = domain.transforms.find((t) => t.name === options.transform);
    const bucket = fill(ws.mesh.aws.artifactBucketPattern, { mesh: ws.mesh.name, domain: domain.name, account: domain.access.account });
    extra.push(
      plane.bucketExistsCheck(
        clients,
        `artifact bucket (${domain.name})`,
        domain.access,
        bucket,
        `Create it in account ${domain.access.account} (aws s3 mb s3://${bucket} --region ${domain.access.region}), or set aws.artifactBucketPattern in ${ws.meshFile}.`,
      ),
    );
    if (transform?.engine === 'glue') extra.push(plane.domainRoleCheck(clients, domain, { glue: true }));
  } else {
    const project = await import('../personalize/project.js');
    const p = project.openPersonalizeProject(ws, options.domain);
    domain = p.domain;
    if (options.command === 'personalize train') {
      const prefix = p.config.aws.prefix.replace(/^\/+|\/+$/g, '');
      extra.push(
        ...plane.personalizeChecks(clients, {
          domain,
          roleArn: project.personalizeRoleArn(p),
          bucket: project.personalizeBucket(p),
          // the CSVs' keys: <prefix>/<domain>/<dataset>/<fingerprint>.csv (src/personalize/aws/preflight.ts)
          keyPrefix: `${[prefix, domain.name].filter((x) => x !== '').join('/')}/`,
          file: p.config.file,
        }),
      );
    }
  }
  const scope = { accounts: new Set([ws.mesh.central.account, domain.access.account]), catalog: false, streams: false };
  const failed = await failures(awsChecks(ws, clients, scope));
  // Past the credentials: what the command uses, each a read call.
  if (failed.length === 0) failed.push(...(await failures([plane.lockTableCheck(ws, clients), ...extra])));
  refuse(failed);
}

type Failure = Pick<CheckResult, 'name' | 'detail' | 'fix' | 'manual'>;

/** The failed checks, in the checks' order (they run concurrently: src/doctor/checks.ts runChecks). */
/**
 * `mesh bootstrap` and `mesh destroy` (which make or remove what preflight checks for): only that each account's
 * credentials are that account's. A domain file names the profile or role mesh uses for its account; one naming
 * another team's role would otherwise have bootstrap make, or destroy remove, things in that team's account.
 */
export async function credentialsPreflight(options: PreflightOptions): Promise<void> {
  if (options.target !== 'aws') return;
  const ws = options.workspace;
  const [{ requireClients }, { awsChecks }] = await Promise.all([import('../aws/clients.js'), import('../doctor/checks.js')]);
  const clients = requireClients(options.clients, 'The credentials check');
  const accounts = new Set([ws.mesh.central.account, ...ws.domains.map((d) => d.access.account)]);
  refuse(await failures(awsChecks(ws, clients, { accounts, catalog: false, streams: false })));
}

async function failures(checks: readonly Check[]): Promise<Failure[]> {
  const { runChecks } = await import('../doctor/checks.js');
  return (await runChecks(checks))
    .filter((r) => !r.ok)
    .map((r) => ({ name: r.name, detail: r.detail, ...(r.fix ? { fix: r.fix } : {}), ...(r.manual ? { manual: true } : {}) }));
}

/** Stops the command when a check failed: each failure named, `mesh bootstrap` as the fix for what it makes. */
function refuse(failed: readonly Failure[]): void {
  if (failed.length === 0) return;
  const byHand = failed
    .map((f) => f.fix)
    .filter(Boolean)
    .join(' ');
  const bootstrap = failed.some((f) => !f.manual);
  throw new MeshError(
    'PreflightFailed',
    `The accounts are not ready for this change: ${failed.map((f) => `${f.name}: ${f.detail}`).join('; ')}. Nothing was changed.`,
    {
      hint: bootstrap
        ? `Run \`mesh bootstrap\` (or \`mesh bootstrap --template DIR\` for CloudFormation), then re-run this command. By hand: ${byHand}`
        : `Fix it by hand (mesh bootstrap does not make these), then re-run this command: ${byHand}`,
      details: { failed },
    },
  );
}
