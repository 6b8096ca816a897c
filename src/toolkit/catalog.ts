/**
 * Reading the mesh: the catalog (published products from the central catalog, then the files' unpublished ones), one
 * product, SQL over a domain's products (local target), and the portal (a server, or a static export).
 */
import type { CatalogEntry } from '../catalog/discovery.js';
import type { QueryResult } from '../catalog/local/query.js';
import { usageError } from '../core/errors.js';
import type { PortalServer } from '../portal/serve.js';
import type { StaticSiteResult } from '../portal/static-site.js';
import type { Target } from '../workspace/model.js';
import type { Session } from './session.js';

/** Products whose name, domain, owner, description or columns contain `search` (all when absent). */
export async function catalog(session: Session, search?: string): Promise<{ target: Target; products: CatalogEntry[] }> {
  return session.run(async (run) => {
    const { readCatalog, searchCatalog } = await import('../catalog/discovery.js');
    const entries = await readCatalog(run.workspace, run.target, run.clients ? { clients: run.clients } : {});
    return { target: run.target, products: searchCatalog(entries, search) };
  });
}

export async function describe(session: Session, product: string): Promise<{ target: Target; product: CatalogEntry }> {
  return session.run(async (run) => {
    const { describeProduct } = await import('../catalog/discovery.js');
    const entry = await describeProduct(run.workspace, run.target, product, run.clients ? { clients: run.clients } : {});
    return { target: run.target, product: entry };
  });
}

/** SQL as `domain`, over the products it may read (its own and its subscriptions); local target only. */
export async function query(session: Session, domain: string, sql: string): Promise<QueryResult> {
  const { workspace, target } = await session.load();
  if (target !== 'local') {
    throw usageError(
      'mesh query runs on the local target.',
      'On aws, query the resource links in your account with Athena; or pass --target local.',
    );
  }
  const { runQuery } = await import('../catalog/local/query.js');
  return runQuery(workspace, domain, sql);
}

export interface PortalOptions {
  /** 0 = any free port. */
  readonly port?: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Let the portal write access requests to the domain files. */
  readonly allowWrites?: boolean;
}

/** Serves the portal until `close()` (which also releases its AWS clients). */
export async function startPortal(session: Session, options: PortalOptions): Promise<PortalServer> {
  const { workspace, target } = await session.load();
  const clients = target === 'aws' ? await session.clientsFor(workspace) : undefined;
  const { startPortal: start } = await import('../portal/serve.js');
  try {
    const server = await start({ workspace, target, ioHost: session.host, ...options, discovery: clients ? { clients } : {} });
    return {
      url: server.url,
      async close() {
        await server.close();
        clients?.destroy();
      },
    };
  } catch (error) {
    clients?.destroy();
    throw error;
  }
}

/** Writes the portal as a static site to `out`. */
export async function buildPortal(session: Session, out: string): Promise<StaticSiteResult> {
  return session.run(async (run) => {
    const { buildStaticSite } = await import('../portal/static-site.js');
    return buildStaticSite(run.workspace, run.target, out, { discovery: run.clients ? { clients: run.clients } : {} });
  });
}
