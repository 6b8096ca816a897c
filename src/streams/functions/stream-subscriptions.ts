/** Which stream subscriptions a plan scope covers, resolved against the workspace (pure). */
import { didYouMean, MeshError } from '../../core/errors.js';
import type { PlanScope } from '../../engine/plane.js';
import type { Domain, Product, StreamPort, StreamSubscription, Subscription, Workspace } from '../../workspace/model.js';
import { requireDomain } from '../../workspace/require-domain.js';

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
  return { domain, subscription, stream, product, port: product.stream };
}

/** Stream subscriptions to apply: the scope's entries that ask for the stream port, or all of them (none for a removal scope). */
export function streamSubscriptionsInScope(ws: Workspace, scope: PlanScope): ResolvedStreamSubscription[] {
  if (!scope.include.subscriptions) return [];
  // An unsubscribe scope (removals, no subscriptions) applies nothing else.
  if (!scope.subscriptions && scope.removals) return [];
  if (!scope.subscriptions) {
    return ws.domains.flatMap((d) =>
      d.subscriptions.map((s) => resolve(ws, d, s)).filter((r): r is ResolvedStreamSubscription => r !== undefined),
    );
  }
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
    if (resolved) out.push(resolved);
    else if (entry.table === false) {
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

/** The domain's stream subscriptions handled by one function (a function may serve several products). */
export function subscriptionsOfFunction(ws: Workspace, domain: Domain, fn: string): ResolvedStreamSubscription[] {
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
  return all;
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
