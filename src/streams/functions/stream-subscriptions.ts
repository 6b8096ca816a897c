/** Which stream subscriptions a plan scope covers, resolved against the workspace (pure). */
import { didYouMean, MeshError } from '../../core/errors.js';
import type { PlanScope } from '../../engine/plane.js';
import { accessNow } from '../../workspace/access-policy.js';
import type { Domain, Product, StreamPort, StreamSubscription, Subscription, Workspace } from '../../workspace/model.js';
import { requireDomain } from '../../workspace/require-domain.js';
import { streamAccess, streamAccessError } from './stream-access.js';

export interface ResolvedStreamSubscription {
  readonly domain: Domain;
  readonly subscription: Subscription;
  readonly stream: StreamSubscription;
  readonly product: Product;
  readonly port: StreamPort;
}

type ScopeEntry = {
  readonly product: string;
  readonly domain: string;
  readonly table?: boolean;
  readonly stream?: boolean;
  readonly function?: string;
};

function resolve(ws: Workspace, domain: Domain, subscription: Subscription): ResolvedStreamSubscription | undefined {
  const stream = subscription.stream;
  if (!stream) return undefined;
  const product = ws.products.find((p) => p.name === subscription.product);
  if (!product) {
    throw new MeshError('UnknownProduct', `Domain ${domain.name} subscribes to "${subscription.product}", which no product file defines.`, {
      hint: didYouMean(
        subscription.product,
        ws.products.map((p) => p.name),
      ),
      location: { file: domain.file },
    });
  }
  if (!product.stream) {
    throw new MeshError(
      'ProductHasNoStream',
      `Domain ${domain.name} has a stream subscription to ${product.name}, which has no stream port.`,
      {
        hint: `Add a stream port to ${product.file}, or remove the stream part of the subscription.`,
        location: { file: domain.file },
      },
    );
  }
  assertOwnDeadLetterTopic(ws, domain, stream.deadLetterTopic);
  return { domain, subscription, stream, product, port: product.stream };
}

const productTopics = new WeakMap<Workspace, Set<string>>();

/**
 * mesh creates a subscription's dead-letter topic, lets its function write into it and points failed records at it:
 * it must be the consumer's own (`<name>.dlq.<consumer>`) and no product's topic. Validation says so
 * (DeadLetterTopicNotOwned); checked again here, where every stream subscription is resolved (plans, the cluster
 * policy, `mesh dev`), for workspaces that skipped validation.
 */
function assertOwnDeadLetterTopic(ws: Workspace, domain: Domain, topic: string): void {
  let topics = productTopics.get(ws);
  if (!topics) {
    topics = new Set(ws.products.flatMap((p) => (p.stream ? [p.stream.topic] : [])));
    productTopics.set(ws, topics);
  }
  const suffix = `.dlq.${domain.name}`;
  if (topic.length > suffix.length && topic.endsWith(suffix) && !topics.has(topic)) return;
  throw new MeshError(
    'DeadLetterTopicNotOwned',
    topics.has(topic)
      ? `Dead-letter topic "${topic}" of ${domain.name} is a product's stream; ${domain.name} may not write into it or change it.`
      : `Dead-letter topic "${topic}" is not ${domain.name}'s: a dead-letter topic is named <name>.dlq.${domain.name}.`,
    {
      hint: `Remove deadLetterTopic to use the default (<product topic>.dlq.${domain.name}), or name one that ends in .dlq.${domain.name}.`,
      location: { file: domain.file },
    },
  );
}

/** A stream subscription that access withholds (pending, expired, denied, or columns the events carry not granted). */
export interface WithheldStreamSubscription {
  readonly resolved: ResolvedStreamSubscription;
  readonly reason: string;
}

function withheldReason(ws: Workspace, s: ResolvedStreamSubscription, now: Date): string | undefined {
  const access = streamAccess(ws, s.domain, s.product, s.subscription, now);
  return access.grant ? undefined : `${access.reason} (${s.domain.name} on ${s.product.name})`;
}

/** Every stream subscription in the files, split by what access allows on `now`. */
function allStreamSubscriptions(
  ws: Workspace,
  now: Date,
): { granted: ResolvedStreamSubscription[]; withheld: WithheldStreamSubscription[] } {
  const granted: ResolvedStreamSubscription[] = [];
  const withheld: WithheldStreamSubscription[] = [];
  for (const d of ws.domains) {
    for (const s of d.subscriptions) {
      const resolved = resolve(ws, d, s);
      if (!resolved) continue;
      const reason = withheldReason(ws, resolved, now);
      if (reason) withheld.push({ resolved, reason });
      else granted.push(resolved);
    }
  }
  return { granted, withheld };
}

/**
 * The stream subscriptions a full subscription plan withholds (their existing mappings are disabled, local records
 * stop listing them); none for a scope that names subscriptions (those fail instead) or removes some.
 */
export function withheldStreamSubscriptions(ws: Workspace, scope: PlanScope, now: Date = accessNow()): WithheldStreamSubscription[] {
  if (!scope.include.subscriptions || scope.subscriptions || scope.removals) return [];
  return allStreamSubscriptions(ws, now).withheld;
}

/**
 * Stream subscriptions to apply: the scope's entries that ask for the stream port, or all of them (none for a removal
 * scope); only those access allows (stream-access.ts). A full scope leaves the others out (see
 * withheldStreamSubscriptions); a scope that names one access withholds fails with AccessNotApproved.
 */
export function streamSubscriptionsInScope(ws: Workspace, scope: PlanScope, now: Date = accessNow()): ResolvedStreamSubscription[] {
  if (!scope.include.subscriptions) return [];
  // An unsubscribe scope (removals, no subscriptions) applies nothing else.
  if (!scope.subscriptions && scope.removals) return [];
  if (!scope.subscriptions) return allStreamSubscriptions(ws, now).granted;
  const out: ResolvedStreamSubscription[] = [];
  for (const entry of scope.subscriptions as readonly ScopeEntry[]) {
    if (entry.stream === false) continue;
    const domain = requireDomain(ws, entry.domain);
    const subscription = domain.subscriptions.find((s) => s.product === entry.product);
    const resolved = subscription ? resolve(ws, domain, subscription) : undefined;
    if (resolved && entry.function && resolved.stream.function !== entry.function) {
      throw new MeshError(
        'FunctionMismatch',
        `Domain ${domain.name} subscribes to ${entry.product} with function ${resolved.stream.function}, not ${entry.function}.`,
        {
          hint: `Use --function ${resolved.stream.function}, or change the function in ${domain.file}.`,
          location: { file: domain.file },
        },
      );
    }
    if (resolved) {
      const access = streamAccess(ws, resolved.domain, resolved.product, resolved.subscription, now);
      if (!access.grant) throw streamAccessError(resolved.domain, resolved.product, access);
      out.push(resolved);
    } else if (entry.table === false) {
      throw new MeshError(
        'NoStreamSubscription',
        `Domain ${domain.name} has no stream subscription to ${entry.product} in its domain file.`,
        {
          hint: `Add subscriptions: [{ product: ${entry.product}, stream: { function: …, handler: … } }] to ${domain.file}.`,
          location: { file: domain.file },
        },
      );
    }
  }
  return out;
}

/** Removals asking for the stream port: (domain, product) pairs, with the subscription when the file still has it. */
export function streamRemovalsInScope(
  ws: Workspace,
  scope: PlanScope,
): { domain: Domain; product: string; resolved?: ResolvedStreamSubscription }[] {
  return (scope.removals ?? [])
    .filter((entry: ScopeEntry) => entry.stream !== false)
    .map((entry) => {
      const domain = requireDomain(ws, entry.domain);
      const subscription = domain.subscriptions.find((s) => s.product === entry.product);
      const resolved = subscription?.stream ? resolve(ws, domain, subscription) : undefined;
      return { domain, product: entry.product, ...(resolved ? { resolved } : {}) };
    });
}

/**
 * The domain's stream subscriptions handled by one function (a function may serve several products) that access
 * allows on `now`: a function's role, environment and local record cover only those.
 */
export function subscriptionsOfFunction(ws: Workspace, domain: Domain, fn: string, now: Date = accessNow()): ResolvedStreamSubscription[] {
  const all = domain.subscriptions
    .map((s) => resolve(ws, domain, s))
    .filter((r): r is ResolvedStreamSubscription => r !== undefined && r.stream.function === fn);
  const first = all[0];
  for (const other of all.slice(1)) {
    if (first && (other.stream.handlerDir !== first.stream.handlerDir || other.stream.handler !== first.stream.handler)) {
      throw new MeshError('FunctionConflict', `Function ${fn} of domain ${domain.name} is declared with two different handlers.`, {
        hint: 'Give each handler folder its own function name, or point both subscriptions at the same handler.',
        location: { file: domain.file },
      });
    }
  }
  return all.filter((s) => withheldReason(ws, s, now) === undefined);
}

/** One function of a consumer domain and the stream subscriptions it handles. */
export interface FunctionGroup {
  readonly domain: Domain;
  readonly fn: string;
  /** Every stream subscription of the domain that uses this function (an aws execution role covers them all). */
  readonly all: readonly ResolvedStreamSubscription[];
  /** The ones in the plan scope (they get their mappings or groups planned). */
  readonly inScope: readonly ResolvedStreamSubscription[];
}

/** The subscriptions grouped by (domain, function), in the order the functions first appear. */
export function groupByFunction(ws: Workspace, subs: readonly ResolvedStreamSubscription[]): FunctionGroup[] {
  const groups = new Map<
    string,
    { domain: Domain; fn: string; all: ResolvedStreamSubscription[]; inScope: ResolvedStreamSubscription[] }
  >();
  for (const s of subs) {
    const key = `${s.domain.name}/${s.stream.function}`;
    const existing = groups.get(key);
    if (existing) existing.inScope.push(s);
    else
      groups.set(key, {
        domain: s.domain,
        fn: s.stream.function,
        all: subscriptionsOfFunction(ws, s.domain, s.stream.function),
        inScope: [s],
      });
  }
  return [...groups.values()];
}
