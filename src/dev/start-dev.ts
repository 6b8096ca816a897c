/**
 * `mesh dev`: the local target's runtime. One HTTP server (Personalize Events/Runtime-compatible API, the
 * recommendations API, the analytics domain's Firehose endpoint and live page) and the function runner, which runs
 * every stream subscription's handler with Lambda's MSK event shape. The handlers' AWS SDK clients are pointed at
 * the server through AWS_ENDPOINT_URL_* so the same handler code runs on both targets.
 */
import { usageError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
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
  /** Environment handed to every function (endpoints and Personalize outputs; no secrets). */
  readonly environment: Readonly<Record<string, string>>;
  stats(): unknown;
  stop(): Promise<void>;
}

/**
 * The variables through which the AWS SDK (and mesh's own per-account profiles) find credentials: tokens, profiles,
 * role and web-identity settings, container credential endpoints, bearer tokens, other credential and config files.
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set to dummy values after these.
 */
const CREDENTIAL_VARIABLE =
  /^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN|CREDENTIAL_EXPIRATION|PROFILE|DEFAULT_PROFILE|ROLE_ARN|ROLE_SESSION_NAME|WEB_IDENTITY_TOKEN_FILE|SHARED_CREDENTIALS_FILE|CONFIG_FILE|CONTAINER_\w+|BEARER_TOKEN_\w+|SSO_\w+)|MESH_AWS_PROFILE_\w+)$/;

function userCredentialsEmptied(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.keys(env).flatMap((key) => (CREDENTIAL_VARIABLE.test(key.toUpperCase()) ? [[key, '']] : [])));
}

export async function startDev(options: StartDevOptions): Promise<DevSession> {
  if (options.target !== 'local') {
    throw usageError('`mesh dev` runs the local target.', 'On aws the functions run in Lambda; drop --target aws or set target: local.');
  }
  const { startDevServer } = await import('./http/server.js');
  const { mountAnalytics } = await import('./analytics/index.js');
  const { personalizeEnvironment, readPersonalizeOutputs } = await import('../personalize/outputs.js');
  const server = await startDevServer({
    workspace: options.workspace,
    port: options.port ?? 0,
    ...(options.host ? { ioHost: options.host } : {}),
  });
  const analytics = await mountAnalytics(server, { workspace: options.workspace });
  const portal = await (await import('../portal/dev.js')).mountDevPortal(server, { ...options, plays: analytics.store });
  const environment: Record<string, string> = {
    // The user's own credentials never reach a handler: each variable of the SDK's credential chain the shell holds
    // is emptied (the runner starts the handlers with the shell's environment, then this one over it).
    ...userCredentialsEmptied(process.env),
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
  for (const domain of options.workspace.domains) {
    if (domain.personalizeFile) Object.assign(environment, personalizeEnvironment(readPersonalizeOutputs(options.workspace, domain.name)));
  }
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
