/**
 * What every toolkit call shares: the options a program (or the CLI) gives once, the workspace it loads, and the run's
 * one AwsClients. `withRun` makes the clients for an aws run (with --profile, --region and the central account, so a
 * call never lands in the wrong account), hands them to everything the run does (preflight, lock, every plane), and
 * destroys them at the end: one `apply` resolves credentials and assumes each role once.
 */
import type { AwsClients } from '../aws/clients.js';
import { type IoHost, type IoRequest, type RequestCode, silentHost } from '../core/messages.js';
import type { Target, Workspace } from '../workspace/model.js';

export interface ToolkitOptions {
  /** The workspace folder (or one below it: mesh.yaml is looked for upwards). */
  readonly cwd: string;
  /** Overrides mesh.yaml's target. */
  readonly target?: Target;
  /** AWS profile for the central account (domains name their own in their files). */
  readonly profile?: string;
  /** AWS region override for the central account. */
  readonly region?: string;
  /** Where typed messages go and questions are asked (default: `silentHost`, which shows nothing). */
  readonly host?: IoHost;
  /** Cancels long operations (a run stops cleanly, releasing its lock). */
  readonly signal?: AbortSignal;
}

/** A workspace loaded with the target the run uses. */
export interface Where {
  readonly workspace: Workspace;
  readonly target: Target;
}

/** A run's environment: the workspace, and on aws the run's clients. */
export interface Run extends Where {
  readonly clients?: AwsClients;
  readonly signal: AbortSignal;
  readonly aws: { readonly profile?: string; readonly region?: string };
}

/** A host that shows nothing and answers yes to every question (e.g. `engine.apply.confirm`): for unattended programs. */
export function approvingHost(host: IoHost = silentHost): IoHost {
  return {
    notify: (message) => host.notify(message),
    // why: a yes/no question's answer type is boolean, so `true` is its answer; other questions keep their default
    request: async <C extends RequestCode>(request: IoRequest<C>) =>
      (typeof request.defaultAnswer === 'boolean' ? true : request.defaultAnswer) as typeof request.defaultAnswer,
  };
}

export class Session {
  readonly host: IoHost;
  readonly signal: AbortSignal;

  constructor(readonly options: ToolkitOptions) {
    this.host = options.host ?? silentHost;
    this.signal = options.signal ?? new AbortController().signal;
  }

  get aws(): { readonly profile?: string; readonly region?: string } {
    return { profile: this.options.profile, region: this.options.region };
  }

  /** Loads the workspace (walking up to mesh.yaml), validated, with the target applied. */
  async load(): Promise<Where> {
    const { loadWorkspace } = await import('../workspace/load.js');
    const workspace = await loadWorkspace(this.options.cwd, { target: this.options.target });
    return { workspace, target: this.options.target ?? workspace.mesh.target };
  }

  /** Runs `fn` with the run's environment; on aws with the run's one AwsClients, destroyed when `fn` settles. */
  async withRun<T>(where: Where, fn: (run: Run) => Promise<T>): Promise<T> {
    const base = { ...where, signal: this.signal, aws: this.aws };
    if (where.target !== 'aws') {
      // Every local run reads or writes .mesh/ (the catalog, the log, the produce journal, the object store): never
      // through a symbolic link a workspace ships there (PathThroughLink).
      const { assertPlainStateFolders } = await import('../lock/state-folder.js');
      assertPlainStateFolders(where.workspace.root, where.workspace.mesh.localDir);
      return fn(base);
    }
    const clients = await this.clientsFor(where.workspace);
    try {
      return await fn({ ...base, clients });
    } finally {
      clients.destroy();
    }
  }

  /**
   * A new AwsClients for one run (the only place mesh makes them). Long-lived servers (the portal) and the
   * personalize plane take theirs here too; whoever takes them destroys them.
   */
  async clientsFor(workspace: Workspace): Promise<AwsClients> {
    const { AwsClients } = await import('../aws/clients.js');
    return new AwsClients({
      profile: this.options.profile,
      region: this.options.region,
      centralAccount: workspace.mesh.central.account,
      host: this.host,
    });
  }

  /** Loads the workspace, then `withRun`. */
  async run<T>(fn: (run: Run) => Promise<T>): Promise<T> {
    return this.withRun(await this.load(), fn);
  }
}
