/**
 * Access requests and decisions, kept in the domain files: each edit is written, the workspace validated, and the file
 * put back when it does not validate (src/access/edits.ts). A dry run returns the edited file as it would be.
 */
import type { AccessChange } from '../access/actions.js';
import type { AccessLog } from '../access/log.js';
import type { AccessEntry } from '../access/state.js';
import type { Session } from './session.js';

export interface AccessRequestInput {
  readonly product: string;
  /** The consumer domain asking. */
  readonly domain: string;
  /** Only these columns, comma-separated (default: the whole table). */
  readonly columns?: string;
  readonly purpose?: string;
  /** Last day access is needed (YYYY-MM-DD). */
  readonly until?: string;
  readonly dryRun?: boolean;
}

export interface AccessDecisionInput {
  /** `<consumer>/<product>`. */
  readonly request: string;
  /** The producer domain acting (default: the domain folder of `cwd`). */
  readonly as?: string;
  /** Who decides (default: git config user.name and user.email). */
  readonly by?: string;
  readonly dryRun?: boolean;
  /** approve: only these of the requested columns. */
  readonly columns?: string;
  /** approve: last day of access. */
  readonly until?: string;
  /** deny (required) / revoke: why. */
  readonly reason?: string;
}

export interface AccessFilter {
  readonly pending?: boolean;
  readonly product?: string;
  readonly domain?: string;
}

export interface AccessOperations {
  request(input: AccessRequestInput): Promise<AccessChange>;
  approve(input: AccessDecisionInput): Promise<AccessChange>;
  deny(input: AccessDecisionInput): Promise<AccessChange>;
  revoke(input: AccessDecisionInput): Promise<AccessChange>;
  list(filter?: AccessFilter): Promise<AccessEntry[]>;
  log(product: string): Promise<AccessLog>;
}

export function accessOperations(session: Session): AccessOperations {
  const setup = async (dryRun: boolean | undefined, by?: string) => {
    const { workspace } = await session.load();
    const [{ requestAccess, approveAccess, denyAccess, revokeAccess }, { accessNow }] = await Promise.all([
      import('../access/actions.js'),
      import('../workspace/access-policy.js'),
    ]);
    const actions = { requestAccess, approveAccess, denyAccess, revokeAccess };
    return { workspace, actions, options: { cwd: session.options.cwd, now: accessNow(), dryRun, by } };
  };
  return {
    async request(input) {
      const { workspace, actions, options } = await setup(input.dryRun);
      return actions.requestAccess(workspace, input, options);
    },
    async approve(input) {
      const { workspace, actions, options } = await setup(input.dryRun, input.by);
      return actions.approveAccess(workspace, input.request, { columns: input.columns, until: input.until, as: input.as }, options);
    },
    async deny(input) {
      const { workspace, actions, options } = await setup(input.dryRun, input.by);
      return actions.denyAccess(workspace, input.request, { reason: input.reason, as: input.as }, options);
    },
    async revoke(input) {
      const { workspace, actions, options } = await setup(input.dryRun, input.by);
      return actions.revokeAccess(workspace, input.request, { reason: input.reason, as: input.as }, options);
    },
    async list(filter = {}) {
      const { workspace } = await session.load();
      const { listAccess } = await import('../access/list.js');
      return listAccess(workspace, filter);
    },
    async log(product) {
      const { workspace } = await session.load();
      const { accessLog } = await import('../access/list.js');
      return accessLog(workspace, product);
    },
  };
}
