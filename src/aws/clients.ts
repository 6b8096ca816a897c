/**
 * The one place AWS SDK clients are made. Credentials per account come from the standard chain (env, profile, SSO),
 * a named profile, or a role assumed with STS; region per account; endpoint from AWS_ENDPOINT_URL(_<SERVICE>) which
 * the SDK reads itself (used for moto). Clients are cached per (service, account access). Nothing here prints secrets.
 *
 * SDK modules are imported lazily by the callers' `await import(...)` of the client class they need, so
 * `mesh --help` never loads the SDK. Callers pass the constructor: `clients.get(GlueClient, access)`.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { MeshError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
import type { AccountAccess } from '../workspace/model.js';
import { DEFAULT_RETRY_POLICY, ReportingRetryStrategy, type RetryListener, retryReporter, serviceDisplayName } from './retry.js';

/** Attempts of the STS calls behind an assumed role's credentials: every client of that account waits on them. */
const CREDENTIALS_MAX_ATTEMPTS = 10;

// why: every SDK v3 client constructor has this shape; a narrower type would need one overload per client
// biome-ignore lint/suspicious/noExplicitAny: see above
type ClientConstructor<C> = new (config: any) => C;

export interface AwsClientsOptions {
  /** Global --profile for the central account. */
  readonly profile?: string;
  /** Global --region override (for the central account). */
  readonly region?: string;
  /**
   * The central catalog's account: when given, --profile and --region apply to it alone, and every other account
   * keeps its own profile/roleArn and region from its domain file (so a call never lands in the wrong account).
   */
  readonly centralAccount?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The run's host: each retry of an AWS call is reported there (`aws.retry`, debounced per service). */
  readonly host?: IoHost;
  /** Sees every retry (tests); default: messages to `host`, when given. */
  readonly onRetry?: RetryListener;
}

/** Does this run talk to a local emulator (moto)? Then S3 needs path-style addressing. */
export function usingCustomEndpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
}

export class AwsClients {
  private readonly cache = new Map<string, unknown>();
  private readonly providers = new Map<string, Promise<AwsCredentialIdentityProvider | undefined>>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly onRetry: RetryListener | undefined;

  constructor(private readonly options: AwsClientsOptions = {}) {
    this.env = options.env ?? process.env;
    this.onRetry = options.onRetry ?? (options.host ? retryReporter(options.host) : undefined);
    if (this.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
      // Node 20 is supported by the pinned SDK versions; the warning is about future releases.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    }
  }

  /**
   * A client of the given class for an account. `access.profile`/`roleArn` pick the credentials. Every client retries
   * with the same strategy (src/aws/retry.ts) and reports each retry; `extra.maxAttempts` sets its attempts
   * (default 3), MESH_AWS_MAX_ATTEMPTS overrides it for every client (tests use 1 to fail fast).
   */
  async get<C>(ctor: ClientConstructor<C>, access: AccountAccess, extra: Record<string, unknown> = {}): Promise<C> {
    const region = (this.appliesGlobals(access) ? this.options.region : undefined) ?? access.region;
    const key = `${ctor.name}|${access.account}|${access.profile ?? ''}|${access.roleArn ?? ''}|${region}|${JSON.stringify(extra)}`;
    const cached = this.cache.get(key);
    if (cached) return cached as C;
    const credentials = await this.credentialsFor(access);
    // Another caller may have made the same client while the credentials resolved (checks run concurrently): one
    // client per key, so that destroy() reaches every client made.
    const madeMeanwhile = this.cache.get(key);
    if (madeMeanwhile) return madeMeanwhile as C;
    const maxAttempts = this.maxAttempts(extra.maxAttempts);
    const client = new ctor({
      region,
      ...(credentials ? { credentials } : {}),
      ...(ctor.name === 'S3Client' && usingCustomEndpoint(this.env) ? { forcePathStyle: true } : {}),
      ...extra,
      maxAttempts,
      retryStrategy: extra.retryStrategy ?? this.retryStrategy(ctor.name, maxAttempts),
    });
    this.cache.set(key, client);
    return client;
  }

  private maxAttempts(requested: unknown): number {
    const forced = Number(this.env.MESH_AWS_MAX_ATTEMPTS);
    if (Number.isInteger(forced) && forced > 0) return forced;
    return typeof requested === 'number' && requested > 0 ? requested : DEFAULT_RETRY_POLICY.maxAttempts;
  }

  private retryStrategy(clientName: string, maxAttempts: number): ReportingRetryStrategy {
    return new ReportingRetryStrategy(serviceDisplayName(clientName), { maxAttempts }, this.onRetry);
  }

  /** The credential provider for an account (undefined = the SDK's default chain). */
  credentialsFor(access: AccountAccess): Promise<AwsCredentialIdentityProvider | undefined> {
    const key = `${access.profile ?? ''}|${access.roleArn ?? ''}|${access.account}`;
    let p = this.providers.get(key);
    if (!p) {
      p = this.makeProvider(access);
      this.providers.set(key, p);
    }
    return p;
  }

  private async makeProvider(access: AccountAccess): Promise<AwsCredentialIdentityProvider | undefined> {
    const { fromIni, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
    // A profile named in the files wins; then --profile (central account); then MESH_AWS_PROFILE_<account>, which a CI
    // job sets for each account it wrote a profile for (the workflow `mesh init --ci github` generates does).
    const profile =
      access.profile ??
      (this.appliesGlobals(access) ? this.options.profile : undefined) ??
      nonEmpty(this.env[`MESH_AWS_PROFILE_${access.account}`]);
    const base = profile ? shareCredentials(fromIni({ profile })) : undefined;
    if (access.roleArn) {
      // One AssumeRole per role and run: every SDK client of the account shares these credentials until they near expiry.
      return shareCredentials(
        fromTemporaryCredentials({
          params: { RoleArn: access.roleArn, RoleSessionName: 'mesh-cli', DurationSeconds: 3600 },
          ...(base ? { masterCredentials: base } : {}),
          clientConfig: {
            region: (this.appliesGlobals(access) ? this.options.region : undefined) ?? access.region,
            // Every client's credentials come through here: as patient as the catalog's clients.
            retryStrategy: this.retryStrategy('STSClient', this.maxAttempts(CREDENTIALS_MAX_ATTEMPTS)),
          },
        }),
      );
    }
    return base;
  }

  /** Do the global --profile/--region apply to this account? (All accounts when the central one is unknown.) */
  private appliesGlobals(access: AccountAccess): boolean {
    return this.options.centralAccount === undefined || this.options.centralAccount === access.account;
  }

  destroy(): void {
    for (const client of this.cache.values()) {
      (client as { destroy?: () => void }).destroy?.();
    }
    this.cache.clear();
  }
}

/**
 * The run's AwsClients, which the toolkit makes once per run and passes down (PlaneEnv.clients); an aws code path
 * reached without them is a wiring error, not a user's.
 */
export function requireClients(clients: AwsClients | undefined, who: string): AwsClients {
  if (clients) return clients;
  throw new MeshError('InternalError', `${who} needs the run's AWS clients and was given none.`, {
    hint: 'Run it through the toolkit (createToolkit) or pass `clients` (one AwsClients per run).',
  });
}

/** Refreshed this long before they expire (the SDK's own margin is 5 minutes). */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * One provider's credentials shared by every client that uses it: the SDK memoizes per client, so without this each
 * client of an account would assume the role again. A failed call is not kept (the next client tries again).
 */
export function shareCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: ReturnType<AwsCredentialIdentityProvider> | undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  return (props) => {
    if (current && Date.now() < expiresAt - REFRESH_BEFORE_EXPIRY_MS) return current;
    expiresAt = Number.POSITIVE_INFINITY;
    const pending = provider(props).then(
      (identity) => {
        expiresAt = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        return identity;
      },
      (error: unknown) => {
        if (current === pending) current = undefined;
        throw error;
      },
    );
    current = pending;
    return pending;
  };
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);
