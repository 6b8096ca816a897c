/**
 * The portal's view of a workspace: the catalog (readCatalog: what the target holds, plus unpublished products from
 * the files), the subscribers declared in the domain files and granted in the catalog, the access requests
 * (accessEntries), the lineage, and on aws where each stream subscription is deployed (deployments.ts). Nothing
 * secret: no credentials, no role ARNs, no local absolute paths.
 */
import path from 'node:path';
import { accessEntries } from '../access/state.js';
import { type CatalogEntry, type DiscoveryOptions, readCatalog } from '../catalog/discovery.js';
import type { Target, Workspace } from '../workspace/model.js';
import { consumerGroupId } from '../workspace/naming.js';
import { type DeploymentStates, deploymentKey } from './deployments.js';
import { buildLineage, type PersonalizeLoader } from './lineage.js';
import type { PortalData, PortalProduct, PortalSubscriber } from './model.js';

export interface SnapshotOptions {
  readonly discovery?: DiscoveryOptions;
  readonly now?: Date;
}

/** A location as the portal shows it: s3:// as is; a local path relative to the workspace. */
function shownLocation(ws: Workspace, location: string): string {
  if (!path.isAbsolute(location)) return location;
  return path.relative(ws.root, location).split(path.sep).join('/') || '.';
}

function subscribersOf(
  ws: Workspace,
  entry: CatalogEntry,
  access: ReturnType<typeof accessEntries>,
  deployments: DeploymentStates | undefined,
): PortalSubscriber[] {
  const granted = new Map(entry.subscribers.flatMap((s) => (s.domain ? [[s.domain, s] as const] : [])));
  const out: PortalSubscriber[] = [];
  for (const d of ws.domains) {
    const s = d.subscriptions.find((x) => x.product === entry.name);
    if (!s) continue;
    const status = access.find((a) => a.consumer === d.name && a.product === entry.name)?.status;
    const grant = granted.get(d.name);
    out.push({
      domain: d.name,
      ...(s.table ? { table: s.table.columns && s.table.columns.length > 0 ? [...s.table.columns] : 'all' } : {}),
      ...(s.stream
        ? {
            stream: {
              function: s.stream.function,
              group: consumerGroupId(ws.mesh, d.name, entry.name),
              ...(deployments ? { deployment: deployments.get(deploymentKey(d.name, entry.name)) ?? 'unknown' } : {}),
            },
          }
        : {}),
      granted: grant !== undefined,
      ...(status ? { access: status } : {}),
    });
    granted.delete(d.name);
  }
  for (const [domain, grant] of granted) out.push({ domain, table: grant.columns === 'all' ? 'all' : [...grant.columns], granted: true });
  return out.sort((a, b) => a.domain.localeCompare(b.domain));
}

function productOf(
  ws: Workspace,
  entry: CatalogEntry,
  access: ReturnType<typeof accessEntries>,
  deployments: DeploymentStates | undefined,
): PortalProduct {
  const files = ws.products.find((p) => p.name === entry.name);
  const fileColumns = new Map((files?.columns ?? []).map((c) => [c.name, c]));
  const columns = entry.columns.map((c) => {
    const f = fileColumns.get(c.name);
    const description = c.description ?? f?.description;
    return {
      name: c.name,
      type: c.type,
      required: f?.required ?? false,
      pii: c.pii || (f?.pii ?? false),
      primaryKey: f?.primaryKey ?? false,
      partitionKey: c.partitionKey,
      ...(description ? { description } : {}),
    };
  });
  const t = entry.ports.table;
  const planes = [...(t ? ['table'] : []), ...(entry.ports.stream ? ['stream'] : [])];
  const tags = [entry.classification, files?.status, files?.access?.policy, columns.some((c) => c.pii) ? 'pii' : undefined].filter(
    (x): x is string => Boolean(x),
  );
  return {
    name: entry.name,
    domain: entry.domain,
    description: entry.description,
    ...(entry.version ? { version: entry.version } : {}),
    owner: { team: entry.owner.team, ...(entry.owner.contact ? { contact: entry.owner.contact } : {}) },
    ...(entry.classification ? { classification: entry.classification } : {}),
    ...(files?.access ? { policy: files.access.policy } : {}),
    tags: [...new Set(tags)],
    planes,
    published: entry.published,
    ports: {
      ...(t
        ? {
            table: {
              name: entry.published ? `${t.database}.${t.table}` : t.table,
              location: shownLocation(ws, t.location),
              format: t.format,
              partitionKeys: t.partitionKeys,
            },
          }
        : {}),
      ...(entry.ports.stream
        ? {
            stream: {
              topic: entry.ports.stream.topic,
              encoding: entry.ports.stream.encoding,
              ...(files?.stream ? { partitions: files.stream.partitions } : {}),
            },
          }
        : {}),
    },
    columns,
    subscribers: subscribersOf(ws, entry, access, deployments),
  };
}

export async function portalSnapshot(ws: Workspace, target: Target, options: SnapshotOptions = {}): Promise<PortalData> {
  const clients = target === 'aws' ? options.discovery?.clients : undefined;
  const [entries, deployments] = await Promise.all([
    readCatalog(ws, target, options.discovery ?? {}),
    clients ? import('./deployments.js').then((m) => m.streamDeployments(ws, clients)) : undefined,
  ]);
  const access = accessEntries(ws, options.now);
  const { loadPersonalizeConfig } = await import('../personalize/config.js');
  const personalize: PersonalizeLoader = (d) => {
    try {
      return loadPersonalizeConfig(
        d.personalizeFile as string,
        { mesh: ws.mesh.name, domain: d.name, account: d.access.account },
        { root: ws.root, domainDir: d.dir, localDir: ws.mesh.localDir },
      );
    } catch {
      return undefined;
    }
  };
  return {
    mesh: ws.mesh.name,
    target,
    generatedAt: (options.now ?? new Date()).toISOString(),
    domains: ws.domains.map((d) => ({
      name: d.name,
      kind: d.kind,
      owner: { team: d.owner.team, ...(d.owner.contact ? { contact: d.owner.contact } : {}) },
      ...(d.description ? { description: d.description } : {}),
    })),
    products: entries.map((e) => productOf(ws, e, access, deployments)),
    lineage: buildLineage(ws, personalize),
    access: access.map((a) => ({
      consumer: a.consumer,
      product: a.product,
      producer: a.producer,
      status: a.status,
      ...(a.columns ? { columns: a.columns } : {}),
      ...(a.purpose ? { purpose: a.purpose } : {}),
      ...(a.date ? { date: a.date } : {}),
      ...(a.by ? { by: a.by } : {}),
    })),
  };
}
