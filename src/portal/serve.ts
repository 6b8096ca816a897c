/**
 * `mesh portal`: the portal on its own HTTP server (the dev server's, without the Personalize routes), on
 * 127.0.0.1 unless a host is given. Read-only unless allowWrites. On an address other machines reach, the portal
 * (which has no sign-in) serves no sample rows and refuses allowWrites. The live views read the workspace's streams
 * (live-source.ts) unless live is false.
 */
import type { DiscoveryOptions } from '../catalog/discovery.js';
import { usageError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
import { isLoopbackAddress } from '../dev/http/same-origin.js';
import type { Target, Workspace } from '../workspace/model.js';
import { assetsDir } from './assets.js';
import { mountPortal, PORTAL_PATH } from './routes.js';

export interface StartPortalOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Where the server's messages go. Default: nowhere. */
  readonly ioHost?: IoHost;
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly allowWrites?: boolean;
  /** On aws, discovery.clients also reach MSK for the live views. */
  readonly discovery?: DiscoveryOptions;
  /** Serve the live views (default true). */
  readonly live?: boolean;
}

export interface PortalServer {
  /** The portal page, e.g. http://127.0.0.1:7880/portal */
  readonly url: string;
  close(): Promise<void>;
}

export async function startPortal(options: StartPortalOptions): Promise<PortalServer> {
  const host = options.host ?? '127.0.0.1';
  // Other machines can reach any other address, and the portal has no sign-in: no writes there, no sample rows.
  const reachableFromOtherMachines = !isLoopbackAddress(host);
  if (reachableFromOtherMachines && options.allowWrites) {
    throw usageError(
      `--allow-writes needs a portal on this machine only; ${host} is reachable from other machines, and the portal has no sign-in.`,
      'Drop --host (127.0.0.1 is the default), or drop --allow-writes to share a read-only catalog.',
    );
  }
  assetsDir();
  const { startDevServer } = await import('../dev/http/server.js');
  const { loadWorkspace } = await import('../workspace/load.js');
  const { PortalLive } = await import('./live-source.js');
  const clients = options.discovery?.clients;
  const live =
    options.live === false
      ? undefined
      : new PortalLive({ workspace: options.workspace, target: options.target, ...(clients ? { clients } : {}) });
  const server = await startDevServer({
    workspace: options.workspace,
    port: options.port ?? 0,
    host,
    ...(options.ioHost ? { ioHost: options.ioHost } : {}),
    personalize: false,
  });
  const portal = mountPortal(server, {
    initial: options.workspace,
    load: () => loadWorkspace(options.workspace.root, { target: options.target }),
    target: options.target,
    allowWrites: options.allowWrites === true,
    sampleRows: !reachableFromOtherMachines,
    snapshot: { discovery: options.discovery ?? {} },
    ...(live ? { live } : {}),
  });
  const close = async () => {
    await server.close();
    await live?.close();
  };
  try {
    // The first snapshot before the URL is printed: the first page load is then a warm one.
    await portal.warm();
  } catch (error) {
    await close();
    throw error;
  }
  server.addRoute('GET', '/', () => ({ status: 302, headers: { location: PORTAL_PATH }, body: '' }));
  return { url: `${server.url}${PORTAL_PATH}`, close };
}
