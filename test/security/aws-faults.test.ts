// Infrastructure faults between mesh and AWS (throttling, 500s, answers lost after the change was made), injected by a
// proxy in front of moto: a publish + subscribe of 24 tables converges in ONE run to exactly what a fault-free run
// leaves (tables, LF grants, tags, registrations, resource links, bucket policy; names differ only by account id),
// the user saw which service was retried and how long it waited, and a re-run plans no change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { createCatalogPlane } from '../../src/catalog/plane.js';
import { createCliHost } from '../../src/cli/io-host.js';
import { hasPendingChanges } from '../../src/engine/plan.js';
import type { PlanScope } from '../../src/engine/plane.js';
import { runPlanes } from '../../src/engine/run.js';
import type { Workspace } from '../../src/workspace/model.js';
import { type Fixture, musicFixture, quietOutput } from '../catalog/fixtures.js';
import { bucketPolicy, createBucket, databases, grants, lfTags, locations, tables, tableTags } from '../catalog/moto-accounts.js';
import { type FaultKind, type FaultProxy, type FaultRates, startFaultProxy } from '../support/fault-proxy.js';
import { freshAccounts, motoEndpoint, type TestAccounts } from '../support/moto.js';

const EVERYTHING: PlanScope = { include: { publish: true, subscriptions: true } };
/** 4 products of 3 producer domains + 20 more in `music`: 24 tables; recommendations subscribes to 2 of them. */
const PRODUCTS = [
  'users',
  'songs',
  'podcasts',
  'interactions',
  ...Array.from({ length: 20 }, (_, i) => `track-${String(i).padStart(2, '0')}`),
];
/** Signing names of the services a retry line may name. */
const SIGNING_NAME: Record<string, string> = { Glue: 'glue', 'Lake Formation': 'lakeformation', S3: 's3', STS: 'sts' };
const RETRY_LINE =
  /^(Glue|Lake Formation|S3|STS) (is throttling|answered 500|did not answer) \((\w+)\); retrying in (?:\d+ ms|\d+\.\d s) \(attempt (\d+) of (\d+)\)/;

let proxy: FaultProxy;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  delete process.env.MESH_AWS_MAX_ATTEMPTS;
  proxy = await startFaultProxy({ target: motoEndpoint() });
  // Only mesh's own clients go through the proxy: the state is read below with clients pointed at moto itself.
  process.env.AWS_ENDPOINT_URL = proxy.url;
});
afterAll(async () => {
  await proxy.close();
  for (const f of fixtures) f.cleanup();
});

async function workspaceIn(accounts: TestAccounts): Promise<Workspace> {
  const bucket = `music-data-${accounts.producer}`;
  await createBucket(accounts.producer, bucket);
  const fx = musicFixture({ target: 'aws', accounts, bucket, products: PRODUCTS });
  fixtures.push(fx);
  return fx.workspace;
}

/** publish + subscribe, as `mesh apply` does: the run's Output is the one the AWS clients report retries to. */
async function apply(workspace: Workspace) {
  const output = quietOutput();
  const host = createCliHost({ output, prompts: { interactive: false }, yes: true });
  // The run's one AwsClients, as the toolkit makes it: its retries are reported to the run's host.
  const clients = new AwsClients({ centralAccount: workspace.mesh.central.account, host });
  const t0 = performance.now();
  try {
    const result = await runPlanes({
      workspace,
      target: 'aws',
      host,
      clients,
      signal: new AbortController().signal,
      scope: EVERYTHING,
      factories: [(env) => createCatalogPlane(env)],
    });
    return { ...result, ms: performance.now() - t0, stderr: output.text() };
  } finally {
    clients.destroy();
  }
}

/** Everything the three accounts hold, with the account ids replaced by their role, in a comparable form. */
async function snapshot(a: TestAccounts) {
  const { central: C, producer: P, consumer: U } = a;
  const central: Record<string, unknown> = {
    databases: await databases(C),
    grants: await grants(C),
    locations: await locations(C),
    tags: await lfTags(C),
  };
  for (const db of await databases(C)) {
    for (const t of await tables(C, db)) {
      central[`${db}.${t.Name}`] = {
        owner: t.Owner,
        type: t.TableType,
        storage: t.StorageDescriptor,
        partitionKeys: t.PartitionKeys,
        parameters: t.Parameters,
        tags: await tableTags(C, db, t.Name ?? ''),
      };
    }
  }
  const links = async (account: string) => {
    const out: Record<string, unknown> = { databases: await databases(account) };
    for (const line of out.databases as string[]) {
      const db = line.split(' ')[0] ?? '';
      out[db] = (await tables(account, db)).map((t) => ({ name: t.Name, target: t.TargetTable }));
    }
    return out;
  };
  const state = { central, producer: await links(P), consumer: await links(U), policy: await bucketPolicy(P, `music-data-${P}`) };
  const named = JSON.parse(JSON.stringify(state).replaceAll(C, '<central>').replaceAll(P, '<producer>').replaceAll(U, '<consumer>'));
  return sortLines(named);
}

/** Lists of lines (grants, databases) were sorted with the account ids in them: sort them again without. */
function sortLines(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(sortLines);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortLines(v)]));
  return value;
}

let baseline: { state: unknown; ms: number };

describe('AWS faults between mesh and the services', () => {
  it('fault-free baseline through the proxy: publish + subscribe of 24 tables', async () => {
    proxy.configure({});
    const accounts = freshAccounts();
    const run = await apply(await workspaceIn(accounts));
    expect(run.applied).toBe(true);
    expect(proxy.stats.requests).toBeGreaterThan(50);
    expect(run.stderr).not.toMatch(/retrying in/);
    const state = (await snapshot(accounts)) as { central: Record<string, unknown>; consumer: { databases: string[] } };
    expect(Object.keys(state.central).filter((k) => k.includes('.'))).toHaveLength(PRODUCTS.length);
    expect(state.consumer.databases.length).toBeGreaterThan(0);
    baseline = { state, ms: run.ms };
  });

  it.each<{ name: string; rates: FaultRates; kind: FaultKind; wording: string }>([
    { name: '10% throttling', rates: { throttle: 0.1 }, kind: 'throttle', wording: 'is throttling' },
    { name: '5% 500s', rates: { error: 0.05 }, kind: 'error', wording: 'answered 500' },
    { name: '5% dropped answers', rates: { drop: 0.05 }, kind: 'drop', wording: 'did not answer' },
    { name: '30% throttling', rates: { throttle: 0.3 }, kind: 'throttle', wording: 'is throttling' },
  ])(
    '$name: one run converges to the fault-free state, retries shown per service, a re-run plans nothing',
    async ({ rates, kind, wording }) => {
      expect(baseline, 'the fault-free baseline ran first').toBeDefined();
      const accounts = freshAccounts();
      const workspace = await workspaceIn(accounts);
      proxy.configure({ ...rates, seed: 42 });

      const run = await apply(workspace);
      const faults = { ...proxy.stats, byService: { ...proxy.stats.byService } };
      proxy.configure({});

      expect(run.applied).toBe(true);
      expect(faults[kind]).toBeGreaterThan(0);
      expect(await snapshot(accounts)).toEqual(baseline.state);

      const lines = run.stderr.split('\n').filter((l) => l.includes('retrying in'));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.some((l) => l.includes(wording))).toBe(true);
      for (const line of lines) {
        const m = RETRY_LINE.exec(line);
        expect(m, line).not.toBeNull();
        const [, service = '', , , attempt = '0', max = '0'] = m ?? [];
        // The service named is one the proxy really faulted; the attempt is a retry within the budget.
        expect(
          Object.keys(faults.byService).some((k) => k.startsWith(`${SIGNING_NAME[service]}:`)),
          line,
        ).toBe(true);
        expect(Number(attempt)).toBeGreaterThanOrEqual(2);
        expect(Number(attempt)).toBeLessThanOrEqual(Number(max));
      }
      // Debounced: at most one line per service per 3 s window.
      const perService = new Map<string, number>();
      for (const l of lines)
        perService.set(l.split(/ (is|answered|did) /)[0] ?? '', (perService.get(l.split(/ (is|answered|did) /)[0] ?? '') ?? 0) + 1);
      for (const count of perService.values()) expect(count).toBeLessThanOrEqual(Math.ceil(run.ms / 3000) + 1);

      const again = await apply(workspace);
      expect(hasPendingChanges(again.plan)).toBe(false);
      expect(again.applied).toBe(false);
    },
  );
});
