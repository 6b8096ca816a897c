import { accessSync, constants, mkdirSync } from 'node:fs';
import { type AwsClients, requireClients } from '../aws/clients.js';
import { fromAwsError } from '../aws/errors.js';
import type { AccountAccess, Workspace } from '../workspace/model.js';
import { centralDataAccessRoleArn } from '../workspace/naming.js';

/**
 * One preflight check: what was checked, whether it passed, and the fix when it did not. A check that could not run
 * because the account has no usable credentials is `skipped` (not ok, no fix of its own: the credentials check
 * names that fix once).
 */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly detail: string;
  readonly fix?: string;
  /** The fix is by hand: `mesh bootstrap` does not make what failed (the Personalize role, a bucket). */
  readonly manual?: boolean;
}

export type Check = () => Promise<CheckResult>;

/** Which checks a command's preflight needs: the accounts its plan touches, and the planes (src/bootstrap/preflight.ts). */
export interface AwsCheckScope {
  readonly accounts: ReadonlySet<string>;
  readonly catalog: boolean;
  readonly streams: boolean;
}

/** Runs one check; `fix` may be a function, read after the check ran (a check can settle on the fix that applies). */
export async function attempt(
  name: string,
  run: () => Promise<string>,
  fixOf: string | (() => string),
  options: { credentials?: boolean } = {},
): Promise<CheckResult> {
  try {
    return { name, ok: true, status: 'ok', detail: await run() };
  } catch (error) {
    const fix = typeof fixOf === 'function' ? fixOf() : fixOf;
    const e = fromAwsError(error, name);
    // the result column sits beside the name: no need to repeat it
    const detail = e.message.startsWith(`${name}: `) ? e.message.slice(name.length + 2) : e.message;
    if (e.code === 'Credentials' && !options.credentials) {
      return { name, ok: false, status: 'skipped', detail: 'skipped: no credentials' };
    }
    // an access-denied hint names the missing action; other hints only restate the fix
    return { name, ok: false, status: 'failed', detail, fix: e.code === 'AccessDenied' && e.hint ? `${fix} ${e.hint}` : fix };
  }
}

function localChecks(ws: Workspace): Check[] {
  const checks: Check[] = [
    async () => {
      const major = Number(process.versions.node.split('.')[0]);
      return major >= 20
        ? { name: 'node', ok: true, status: 'ok', detail: `Node.js ${process.versions.node}` }
        : { name: 'node', ok: false, status: 'failed', detail: `Node.js ${process.versions.node}`, fix: 'Install Node.js 20 or later.' };
    },
    () =>
      attempt(
        'local state folder',
        async () => {
          mkdirSync(ws.mesh.localDir, { recursive: true });
          accessSync(ws.mesh.localDir, constants.W_OK);
          return `${ws.mesh.localDir} is writable`;
        },
        `Make ${ws.mesh.localDir} writable, or set localDir in mesh.yaml.`,
      ),
    () =>
      attempt(
        'embedded catalog (SQLite)',
        async () => {
          const { default: Database } = await import('better-sqlite3');
          const db = new Database(':memory:');
          db.close();
          return 'better-sqlite3 loads';
        },
        'Reinstall dependencies with `npm ci` (better-sqlite3 needs its native build for this Node version).',
      ),
    () =>
      attempt(
        'query engine (DuckDB)',
        async () => {
          const { DuckDBInstance } = await import('@duckdb/node-api');
          const db = await DuckDBInstance.create(':memory:');
          const conn = await db.connect();
          await conn.run('select 1');
          conn.closeSync();
          return 'DuckDB runs queries';
        },
        'Reinstall dependencies with `npm ci`.',
      ),
  ];
  const streaming = ws.mesh.streaming;
  if (streaming.kind === 'kafka') {
    checks.push(() =>
      attempt(
        'kafka brokers',
        async () => {
          const { Kafka, logLevel } = await import('kafkajs');
          const admin = new Kafka({
            clientId: 'mesh-doctor',
            brokers: [...streaming.brokers],
            logLevel: logLevel.NOTHING,
            retry: { retries: 1 },
          }).admin();
          await admin.connect();
          const cluster = await admin.describeCluster();
          await admin.disconnect();
          return `${cluster.brokers.length} broker(s) at ${streaming.brokers.join(',')}`;
        },
        `Start the brokers named in mesh.yaml (${streaming.brokers.join(',')}), or set streaming.kind: embedded.`,
      ),
    );
  }
  return checks;
}

export function awsChecks(ws: Workspace, clients: AwsClients, only?: AwsCheckScope): Check[] {
  const accounts = new Map<string, { who: string; access: AccountAccess }>();
  // doctor: a row per domain; preflight: one call per set of credentials (domains often share an account and role)
  const keyOf = (name: string, a: AccountAccess) => (only ? `${a.account}|${a.profile ?? ''}|${a.roleArn ?? ''}` : `${name} ${a.account}`);
  const add = (name: string, who: string, access: AccountAccess) => {
    const key = keyOf(name, access);
    const known = accounts.get(key);
    accounts.set(key, known ? { ...known, who: `${known.who}, ${name}` } : { who, access });
  };
  add('central', 'central catalog', ws.mesh.central);
  for (const d of ws.domains) if (!only || only.accounts.has(d.access.account)) add(d.name, `domain ${d.name}`, d.access);
  const checks: Check[] = [];
  for (const { who, access } of accounts.values()) {
    if (only && !only.accounts.has(access.account)) continue;
    checks.push(() =>
      attempt(
        `credentials: ${who}`,
        async () => {
          const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
          const sts = await clients.get(STSClient, access);
          const id = await sts.send(new GetCallerIdentityCommand({}));
          if (id.Account !== access.account) {
            throw new Error(`credentials are for account ${id.Account}, the files say ${access.account}`);
          }
          return `account ${id.Account} as ${id.Arn?.replace(/\/[^/]+$/, '/…')}`;
        },
        `Give ${who} working credentials: a profile (aws sso login --profile …) or a roleArn in its file.`,
        { credentials: true },
      ),
    );
  }
  const central = ws.mesh.central;
  if (!only || only.catalog)
    checks.push(() =>
      attempt(
        'lake formation settings (central)',
        async () => {
          const { LakeFormationClient, GetDataLakeSettingsCommand } = await import('@aws-sdk/client-lakeformation');
          const lf = await clients.get(LakeFormationClient, central);
          const s = await lf.send(new GetDataLakeSettingsCommand({}));
          const settings = s.DataLakeSettings;
          const admins = settings?.DataLakeAdmins?.length ?? 0;
          const version = settings?.Parameters?.CROSS_ACCOUNT_VERSION ?? '1';
          const problems: string[] = [];
          if (Number(version) < 3)
            problems.push(`CROSS_ACCOUNT_VERSION is ${version}; grants to role ARNs in other accounts need 3 or later`);
          // Default permissions for IAMAllowedPrincipals make every new database and table readable by IAM alone,
          // bypassing the column grants mesh makes (and sharing them then needs version 4).
          const defaults = [...(settings?.CreateDatabaseDefaultPermissions ?? []), ...(settings?.CreateTableDefaultPermissions ?? [])];
          if (defaults.length > 0) problems.push('new databases and tables get default permissions for IAMAllowedPrincipals');
          if (admins === 0) problems.push('there is no data lake administrator');
          if (problems.length > 0) throw new Error(problems.join('; '));
          return `${admins} data lake admin(s), cross-account version ${version}, no default IAM permissions`;
        },
        'In the central account run PutDataLakeSettings (read-modify-write) with Parameters.CROSS_ACCOUNT_VERSION = "4", CreateDatabaseDefaultPermissions and CreateTableDefaultPermissions empty, and the mesh admin role in DataLakeAdmins.',
      ),
    );
  if (!only || only.catalog)
    checks.push(() =>
      attempt(
        'data access role (central)',
        async () => {
          const [{ IAMClient, GetRoleCommand }, { trustsService }] = await Promise.all([
            import('@aws-sdk/client-iam'),
            import('./policy-reading.js'),
          ]);
          const iam = await clients.get(IAMClient, central);
          const role = await iam.send(new GetRoleCommand({ RoleName: central.dataAccessRoleName }));
          const trust = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '');
          if (!trustsService(trust, 'lakeformation.amazonaws.com')) {
            throw new Error(`the role ${central.dataAccessRoleName} does not trust lakeformation.amazonaws.com`);
          }
          return `${centralDataAccessRoleArn(ws.mesh)}, trusted by lakeformation.amazonaws.com`;
        },
        `Create the role ${central.dataAccessRoleName} in the central account, trusted by lakeformation.amazonaws.com, with S3 access to the producers' prefixes (never the service-linked role).`,
      ),
    );
  const streaming = ws.mesh.streaming;
  if (streaming.kind === 'msk' && (!only || only.streams)) {
    checks.push(() =>
      attempt(
        'MSK cluster',
        async () => {
          const { KafkaClient, DescribeClusterV2Command } = await import('@aws-sdk/client-kafka');
          const { clusterAccess } = await import('../streams/topics/aws/msk-cluster.js');
          const kafka = await clients.get(KafkaClient, clusterAccess(ws));
          const c = await kafka.send(new DescribeClusterV2Command({ ClusterArn: streaming.clusterArn }));
          const state = c.ClusterInfo?.State;
          const version = c.ClusterInfo?.Provisioned?.CurrentBrokerSoftwareInfo?.KafkaVersion;
          if (state !== 'ACTIVE') throw new Error(`cluster is ${state}`);
          return `${c.ClusterInfo?.ClusterType ?? ''} ${state}${version ? `, Kafka ${version}` : ''}`;
        },
        'Check the clusterArn in mesh.yaml and wait for the cluster to be ACTIVE.',
      ),
    );
  }
  return checks;
}

/** Runs every preflight check for the target; never throws for a failed check. */
export async function runDoctor(ws: Workspace, target: 'local' | 'aws', clients?: AwsClients): Promise<CheckResult[]> {
  if (target === 'local') return Promise.all(localChecks(ws).map((c) => c()));
  const run = requireClients(clients, 'mesh doctor on aws');
  return runChecks(awsChecks(ws, run));
}

/** Checks at once run at most (each is one or two read calls, to independent accounts and services). */
const CHECK_CONCURRENCY = 8;

/**
 * Runs independent checks concurrently, at most `concurrency` at a time; the results are in the checks' order, so a
 * report of them reads the same whichever answered first. A check never throws (`attempt` turns errors into results).
 */
export async function runChecks(checks: readonly Check[], concurrency = CHECK_CONCURRENCY): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const i = next++;
      results[i] = await (checks[i] as Check)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), checks.length) }, worker));
  return results;
}
