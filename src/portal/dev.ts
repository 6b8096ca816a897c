/** The portal inside `mesh dev`: the same routes, plus the live views over the mesh's streams and the analytics store. */
import type { Target, Workspace } from '../workspace/model.js';
import { LiveMetrics, type PlaysSource } from './live.js';
import { mountPortal, type RouteTable } from './routes.js';

export interface DevPortalOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly plays?: PlaysSource;
}

export async function mountDevPortal(router: RouteTable, options: DevPortalOptions): Promise<{ close(): Promise<void> }> {
  const { openStreamConnection } = await import('../streams/topics/stream-connection.js');
  const { loadWorkspace } = await import('../workspace/load.js');
  const connection = await openStreamConnection({ workspace: options.workspace, target: options.target, clientId: 'mesh-portal' });
  const live = new LiveMetrics({
    workspace: options.workspace,
    transport: connection.transport,
    plays: options.plays,
    recommendations: true,
  });
  mountPortal(router, {
    load: () => loadWorkspace(options.workspace.root, { target: options.target }),
    target: options.target,
    allowWrites: false,
    live,
  });
  return { close: () => connection.transport.close() };
}
