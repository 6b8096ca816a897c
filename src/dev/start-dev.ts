/**
 * `mesh dev`: the local target's runtime. One HTTP server (Personalize Events/Runtime-compatible API, the
 * recommendations API, the analytics domain's Firehose endpoint and live page) and the function runner, which runs
 * every stream subscription's handler with Lambda's MSK event shape. The handlers' AWS SDK clients are pointed at
 * the server through AWS_ENDPOINT_URL_* so the same handler code runs on both targets.
 */
import { usageError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
import { assertPlainStateFolders } from '../lock/state-folder.js';
import type { Target, Workspace } from '../workspace/model.js';

export interface StartDevOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  /** Where the server's and the functions' messages go. Default: nowhere. */
  readonly host?: IoHost;
  readonly signal: AbortSignal;
  /** 0 = any free port. */
  readonly port?: number;
  /** Run the stream handlers (default true). */
  readonly functions?: boolean;
  /** Only these functions (`fn` or `domain/fn`). */
  readonly only?: readonly string[];
}

export interface DevSession {
  readonly url: string;
  readonly functions: readonly string[];
  /**
   * mesh's variables handed to every function (endpoints, dummy credentials; no secrets). Each function also gets its
   * declared environment, its own domain's Personalize outputs and Lambda's variables (the runner adds them).
   */
  readonly environment: Readonly<Record<string, string>>;
  stats(): unknown;
  stop(): Promise<void>;
}

export async function startDev(options: StartDevOptions): Promise<DevSession> {
  if (options.target !== 'local') {
    throw usageError('`mesh dev` runs the local target.', 'On aws the functions run in Lambda; drop --target aws or set target: local.');
  }
  // The embedded log, the catalog and the events store are written under the local target's folder: never through a link.
  assertPlainStateFolders(options.workspace.root, options.workspace.mesh.localDir);
  const { startDevServer } = await import('./http/server.js');
  const { mountAnalytics } = await import('./analytics/index.js');
  const server = await startDevServer({
    workspace: options.workspace,
    port: options.port ?? 0,
    ...(options.host ? { ioHost: options.host } : {}),
  });
  const analytics = await mountAnalytics(server, { workspace: options.workspace });
  const portal = await (await import('../portal/dev.js')).mountDevPortal(server, { ...options, plays: analytics.store });
  // The user's own credentials, tokens and other secrets never reach a handler: the runner starts each one with a
  // Lambda-like environment built from nothing (src/streams/local-runner/environment.ts), with these over its own.
  const environment: Record<string, string> = {
    // Local only: every AWS call the handlers make goes to this server, never to a real account.
    AWS_ENDPOINT_URL: server.url,
    AWS_ENDPOINT_URL_PERSONALIZE_EVENTS: server.url,
    AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME: server.url,
    AWS_ENDPOINT_URL_FIREHOSE: analytics.firehoseEndpoint(server.url),
    AWS_REGION: options.workspace.mesh.central.region,
    AWS_ACCESS_KEY_ID: 'mesh-local',
    AWS_SECRET_ACCESS_KEY: 'mesh-local',
    MESH_TARGET: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  let runner: Awaited<ReturnType<typeof import('../streams/local-runner/runner.js').startFunctionRunner>> | undefined;
  try {
    if (options.functions !== false) {
      const { startFunctionRunner } = await import('../streams/local-runner/runner.js');
      runner = await startFunctionRunner({
        workspace: options.workspace,
        target: options.target,
        ...(options.host ? { host: options.host } : {}),
        signal: options.signal,
        only: options.only,
        environment,
      });
    }
  } catch (error) {
    await portal.close();
    analytics.close();
    await server.close();
    throw error;
  }
  let stopped = false;
  return {
    url: server.url,
    functions: runner?.running ?? [],
    environment,
    stats: () => runner?.stats(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await runner?.stop();
      await server.close();
      await portal.close();
      analytics.close();
    },
  };
}
