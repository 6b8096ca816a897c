/**
 * `mesh destroy` as one plane module on the engine: it plans, in reverse dependency order, the removal of everything
 * the workspace made on its target. First every subscription is removed the way `unsubscribe` removes it (the catalog
 * and streams planes plan those: grants, links, functions, mappings, execution roles); then what publishing, the
 * transforms and Personalize made (grants left, revoked in batches; databases with their tables and links, registered
 * locations, mesh's bucket-policy statements, topics, schemas; Glue jobs; campaigns, event trackers, filters,
 * solutions, datasets, dataset groups and Personalize schemas; with --delete-data the data and what mesh wrote to the
 * artifact buckets); last, with --include-bootstrap, what `mesh bootstrap` made. Re-running re-plans from what
 * exists, so an interrupted destroy resumes.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import { MeshError } from '../core/errors.js';
import { firstLinkBelow } from '../core/symbolic-links.js';
import { type Change, mergePlans, type Plan, specOf, summarize } from '../engine/plan.js';
import type { PlaneEnv, PlaneModule, PlanScope } from '../engine/plane.js';
import { orderChanges } from '../engine/planner.js';
import type { LocalPathSpec } from './resources.js';

export const LOCK_TABLE_TYPE = 'lock-table' as const;

export interface DestroyOptions {
  readonly deleteData: boolean;
  readonly includeBootstrap: boolean;
  readonly acknowledgeSubscribers: boolean;
  /** aws: the client factory (tests and the bench pass a counting one). Default: the run's (PlaneEnv.clients). */
  readonly clients?: AwsClients;
}

/** Every subscription of the workspace, as `unsubscribe` would name it. */
export function allSubscriptions(env: PlaneEnv): PlanScope {
  const removals = env.workspace.domains.flatMap((d) =>
    d.subscriptions.map((s) => ({ product: s.product, domain: d.name, table: Boolean(s.table), stream: Boolean(s.stream) })),
  );
  return { removals, include: { publish: false, subscriptions: true } };
}

const after = (change: Change, keys: readonly string[]): Change => ({ ...change, dependsOn: [...new Set([...change.dependsOn, ...keys])] });
const pending = (plan: Plan) => plan.changes.filter((c) => c.action !== 'noop');

/** local: the workspace's local state (catalog, log, registry) — the object store's data only with --delete-data. */
async function localPlan(env: PlaneEnv, options: DestroyOptions): Promise<Plan> {
  const dir = env.workspace.mesh.localDir;
  // A workspace can ship `.mesh` or `.mesh/local` as a link: deleting through it would empty wherever it leads.
  const link = firstLinkBelow(env.workspace.root, dir);
  if (link) {
    throw new MeshError(
      'PathThroughLink',
      `${path.relative(env.workspace.root, link)} is a symbolic link: mesh destroy deletes only the local state it made inside the workspace, never through a link. Nothing was deleted.`,
      {
        hint: `Remove the link (rm ${path.relative(env.workspace.root, link)}) and check where it pointed; mesh makes ${path.relative(env.workspace.root, dir)} as a plain folder.`,
      },
    );
  }
  const entries = await readdir(dir).catch(() => [] as string[]);
  const changes: Change[] = entries
    .filter((name) => options.deleteData || name !== 's3')
    .sort()
    .map((name) => ({
      type: 'local-path' as const,
      key: `local-path:${name}`,
      action: 'delete',
      ref: { plane: 'catalog', type: 'local-path' as const, id: name, label: path.join(path.relative(env.workspace.root, dir), name) },
      reason: name === 's3' ? 'the object store data (--delete-data)' : 'local state made by mesh',
      before: { path: path.join(dir, name) } satisfies LocalPathSpec,
      dependsOn: [],
    }));
  return { changes, summary: summarize(changes) };
}

export async function createDestroyPlane(env: PlaneEnv, options: DestroyOptions): Promise<PlaneModule> {
  const modules: PlaneModule[] = [];
  const owners = new Map<string, PlaneModule>();
  let destroyer: import('./aws.js').AwsDestroyer | undefined;
  let revokes: import('./aws-grants.js').RevokeBatcher | undefined;
  let clients: AwsClients | undefined;

  return {
    planes: ['catalog', 'streams', 'schemas', 'functions', 'personalize', 'transforms', 'bootstrap'],

    async plan(): Promise<Plan> {
      if (env.target === 'local') return localPlan(env, options);
      const [{ createCatalogPlane }, { createStreamsPlane }, { AwsDestroyer }, { RevokeBatcher }, { requireClients }] = await Promise.all([
        import('../catalog/plane.js'),
        import('../streams/plane.js'),
        import('./aws.js'),
        import('./aws-grants.js'),
        import('../aws/clients.js'),
      ]);
      clients = options.clients ?? requireClients(env.clients, 'The destroy plane');
      const catalog = await createCatalogPlane(env, { clients });
      const streams = await createStreamsPlane(env);
      modules.push(catalog, streams);
      const scope = allSubscriptions(env);
      const unsubscribe = scope.removals?.length ? pending(mergePlans(await catalog.plan(scope, env), await streams.plan(scope, env))) : [];
      for (const c of unsubscribe) owners.set(c.key, c.ref.plane === 'catalog' ? catalog : streams);
      const first = unsubscribe.map((c) => c.key);
      // The unsubscribe stage revokes the removed subscriptions' cluster-policy statements itself; mesh's statements no
      // subscription accounts for (e.g. left by an older run) are removed here, unless the unsubscribe plan owns the change.
      const clusterPolicy = (await clusterPolicyRemoval(env, clients)).filter((c) => !owners.has(c.key)).map((c) => after(c, first));
      for (const c of clusterPolicy) owners.set(c.key, streams);

      destroyer = new AwsDestroyer(clients, env.workspace, env.host, env.signal);
      const d = destroyer;
      revokes = new RevokeBatcher(clients, (account) => d.access(account));
      const removals = await destroyer.observe({ deleteData: options.deleteData, known: (key) => env.state.get(key) !== undefined });
      const others = removals.filter((r) => r.spec.kind === 'lf-grant' && r.spec.subscriber);
      if (others.length > 0 && !options.acknowledgeSubscribers) {
        throw new MeshError(
          'HasSubscribers',
          `Principals outside this workspace still hold grants on its products: ${[...new Set(others.map((r) => r.ref.label))].join('; ')}. Nothing was changed.`,
          { hint: 'Ask those teams to unsubscribe, or re-run with --acknowledge-subscribers to revoke their access too.' },
        );
      }
      const groupOf = (r: (typeof removals)[number]) => r.group ?? 'catalog';
      const byLayer = (r: (typeof removals)[number]) =>
        removals.filter((o) => groupOf(o) === groupOf(r) && o.layer < r.layer).map((o) => `${o.ref.type}:${o.ref.id}`);
      const published: Change[] = removals.map((r) =>
        after(
          {
            type: r.ref.type,
            key: `${r.ref.type}:${r.ref.id}`,
            action: r.action,
            ref: r.ref,
            reason: 'made by this workspace',
            before: r.spec,
            dependsOn: [],
          },
          [...first, ...byLayer(r)],
        ),
      );
      const topics = (await streamsTopics(env)).map((c) => after(c, first));
      for (const c of topics) owners.set(c.key, streams);

      let bootstrap: Change[] = [];
      if (options.includeBootstrap) {
        const { createBootstrapPlane } = await import('../bootstrap/plane.js');
        const b = await createBootstrapPlane(env, { clients, mode: 'remove', deleteData: options.deleteData });
        modules.push(b);
        const everything = [...first, ...clusterPolicy.map((c) => c.key), ...published.map((c) => c.key), ...topics.map((c) => c.key)];
        bootstrap = pending(await b.plan({ include: { publish: false, subscriptions: false } }, env)).map((c) =>
          c.ref.type === LOCK_TABLE_TYPE
            ? { ...c, reason: 'made by mesh bootstrap; deleted once this run releases its lock' }
            : after(c, everything),
        );
        for (const c of bootstrap) owners.set(c.key, b);
      }
      const changes = orderChanges(revokes.prepare([...unsubscribe, ...clusterPolicy, ...published, ...topics, ...bootstrap]));
      return { changes, summary: summarize(changes) };
    },

    async execute(change: Change): Promise<Record<string, unknown> | undefined> {
      // It holds this run's lock: runDestroy deletes it after the lock is released.
      if (change.type === LOCK_TABLE_TYPE) return { deferred: true };
      if (change.type === 'local-path') {
        await rm(specOf(change).path, { recursive: true, force: true });
        return undefined;
      }
      if (revokes?.handles(change)) return revokes.run(change);
      if (change.type === 'destroy' && destroyer) return destroyer.execute(change);
      const owner = owners.get(change.key);
      if (!owner) throw new MeshError('InternalError', `destroy has no plane for ${change.key}.`);
      return owner.execute(change, env);
    },

    async close(): Promise<void> {
      // The clients are the run's (or a test's): whoever made them destroys them.
      for (const m of modules) await m.close?.();
    },
  };
}

/** A revoke of mesh's statements in the MSK cluster policy (cross-account stream access), executed by the streams plane. */
async function clusterPolicyRemoval(env: PlaneEnv, clients: AwsClients): Promise<Change[]> {
  const streaming = env.workspace.mesh.streaming;
  if (streaming.kind !== 'msk') return [];
  const [{ KafkaClient }, { clusterAccess }, { planClusterPolicyRemoval }] = await Promise.all([
    import('@aws-sdk/client-kafka'),
    import('../streams/topics/aws/msk-cluster.js'),
    import('../streams/functions/aws/cluster-policy.js'),
  ]);
  return planClusterPolicyRemoval(await clients.get(KafkaClient, clusterAccess(env.workspace)), streaming.clusterArn);
}

/** Delete changes for the product and dead-letter topics that exist (executed by the streams plane). */
async function streamsTopics(env: PlaneEnv): Promise<Change[]> {
  const [{ StreamsContext }, { topicRef }] = await Promise.all([
    import('../streams/context.js'),
    import('../streams/topics/publish-resources.js'),
  ]);
  const ctx = await StreamsContext.open(env);
  try {
    const ws = env.workspace;
    const names = new Set<string>();
    for (const p of ws.products) if (p.stream) names.add(p.stream.topic);
    for (const d of ws.domains) for (const s of d.subscriptions) if (s.stream) names.add(s.stream.deadLetterTopic);
    if (names.size === 0) return [];
    const admin = await ctx.topicAdmin();
    const out: Change[] = [];
    for (const name of [...names].sort()) {
      const existing = await admin.describe(name);
      if (!existing) continue;
      const ref = topicRef(ctx, name);
      out.push({
        type: 'topic',
        key: `${ref.type}:${ref.id}`,
        action: 'delete',
        ref,
        reason: 'made by this workspace',
        before: existing,
        dependsOn: [],
      });
    }
    return out;
  } finally {
    await ctx.close();
  }
}
