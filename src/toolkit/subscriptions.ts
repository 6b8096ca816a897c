/**
 * subscribe / unsubscribe: the consumer's domain file is edited and the scope applied. A subscribe declares the
 * subscription first (the plan reads it from the files) and puts the file back as it was when the run fails or is a
 * dry run; an unsubscribe removes the entry once the removals are applied. Bad input never leaves a file changed.
 */
import { usageError } from '../core/errors.js';
import { type ApplyOptions, type ApplyOutcome, applyScope } from './apply.js';
import type { Session } from './session.js';

export interface SubscriptionRequest {
  readonly product: string;
  /** The consumer domain (default: the workspace's only consumer; for unsubscribe, the only subscriber). */
  readonly domain?: string;
  /** The table port (grant + resource link). Neither port: the ports the domain file declares. */
  readonly table?: boolean;
  /** The stream port (function + event source mapping). */
  readonly stream?: boolean;
  /** With `stream`: the function that handles the events (added to the domain file if new). */
  readonly function?: string;
}

export interface SubscriptionOutcome extends ApplyOutcome {
  readonly domain: string;
  /** The consumer's domain file. */
  readonly file: string;
  /** The domain file was changed and kept (false on a dry run, or when it already said so). */
  readonly recorded: boolean;
}

async function resolve(session: Session, request: SubscriptionRequest, mode: 'subscribe' | 'unsubscribe') {
  const { workspace } = await session.load();
  const { resolveSubscriptionPorts, withSubscriptionEdit } = await import('../workspace/subscription-edits.js');
  return { ...resolveSubscriptionPorts(workspace, request.product, request, mode), edits: { withSubscriptionEdit } };
}

export async function subscribe(session: Session, request: SubscriptionRequest, options: ApplyOptions = {}): Promise<SubscriptionOutcome> {
  if (request.function && !request.stream) throw usageError('--function goes with --stream.');
  const { product } = request;
  const { domain, table, stream, edits } = await resolve(session, request, 'subscribe');
  const ports = { table, stream, ...(request.function ? { function: request.function } : {}) };
  let result: ApplyOutcome | undefined;
  const recorded = await edits.withSubscriptionEdit(domain, product, { kind: 'declare', ports, keep: !options.dryRun }, async () => {
    result = await applyScope(
      session,
      { subscriptions: [{ product, domain: domain.name, ...ports }], include: { publish: false, subscriptions: true } },
      options,
    );
  });
  return { ...(result as ApplyOutcome), domain: domain.name, file: domain.file, recorded };
}

export async function unsubscribe(
  session: Session,
  request: Omit<SubscriptionRequest, 'function'>,
  options: ApplyOptions = {},
): Promise<SubscriptionOutcome> {
  const { product } = request;
  const { domain, table, stream, edits } = await resolve(session, request, 'unsubscribe');
  // Removing a subscription is the call's purpose: its deletions are allowed (and confirmed, when removals show).
  const allowed = new Set([...(options.allowed ?? []), '--allow-delete']);
  const result = await applyScope(
    session,
    { removals: [{ product, domain: domain.name, table, stream }], include: { publish: false, subscriptions: true } },
    { ...options, allowed },
  );
  const recorded =
    !options.dryRun &&
    (await edits.withSubscriptionEdit(domain, product, { kind: 'remove', ports: { table, stream }, keep: true }, async () => {}));
  return { ...result, domain: domain.name, file: domain.file, recorded };
}
