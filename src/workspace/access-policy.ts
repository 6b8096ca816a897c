/**
 * Who may read a product's table, decided from the files alone (pure): the product's access policy (its contract,
 * or the default for its classification), the consumer's subscription (its columns and request) and the producer's
 * approvals and denials. Plan, apply, `mesh validate` and `mesh access` all ask this module.
 */
import type { AccessDecision, AccessPolicy, Domain, Product, ProductAccess, Subscription, Workspace } from './model.js';

/** The policy a product gets when its contract names none, by classification. */
export const POLICY_BY_CLASSIFICATION: Readonly<Record<string, AccessPolicy>> = {
  public: 'open',
  internal: 'open',
  confidential: 'approval',
  restricted: 'restricted',
  secret: 'restricted',
};

/** The product's policy: its contract's, else the default for its classification (unknown classifications: approval). */
export function accessOf(product: Product): ProductAccess {
  if (product.access) return product.access;
  const policy = POLICY_BY_CLASSIFICATION[product.classification.toLowerCase()] ?? 'approval';
  return { policy, allowedDomains: [] };
}

/** Today, or MESH_NOW (an ISO date or time) when set: the clock that decides expiry. */
export function accessNow(): Date {
  const fixed = process.env.MESH_NOW;
  if (fixed) {
    const d = new Date(fixed);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

/** YYYY-MM-DD (UTC). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** An approval's `until` is its last day: it has expired once that day is over. */
export function isExpired(until: string | undefined, now: Date): boolean {
  return until !== undefined && isoDay(now) > until;
}

export type AccessStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'open';

export interface AccessVerdict {
  readonly status: AccessStatus;
  /** Whether a table grant follows. */
  readonly grant: boolean;
  /** The columns granted (sorted); undefined = the whole table. Only when grant. */
  readonly columns?: readonly string[];
  /** Why there is no grant (for plans and lists), or what limits it. */
  readonly reason: string;
  readonly needsApproval: boolean;
  readonly approval?: AccessDecision;
  readonly denial?: AccessDecision;
}

export function producerOf(ws: Workspace, product: Product): Domain | undefined {
  return ws.domains.find((d) => d.name === product.domain);
}

/** The producer's decisions on (consumer, product): only those recorded in the producer's own domain file count. */
export function decisionsFor(
  producer: Domain | undefined,
  consumer: string,
  product: string,
): { approval?: AccessDecision; denial?: AccessDecision } {
  const match = (d: AccessDecision) => d.consumer === consumer && d.product === product;
  const approval = producer?.approvals?.find(match);
  const denial = producer?.denials?.find(match);
  return { ...(approval ? { approval } : {}), ...(denial ? { denial } : {}) };
}

/** The columns a subscription asks for: its list, or every column of the product. */
export function requestedColumns(product: Product, subscription: Subscription): readonly string[] {
  const listed = subscription.table?.columns;
  return listed && listed.length > 0 ? listed : product.columns.map((c) => c.name);
}

/** PII columns a subscription would read. */
export function piiRequested(product: Product, subscription: Subscription): string[] {
  if (!product.columns.some((c) => c.pii)) return []; // most products: no set of names to build per subscription
  const wanted = new Set(requestedColumns(product, subscription));
  return product.columns.filter((c) => c.pii && wanted.has(c.name)).map((c) => c.name);
}

export function needsApproval(product: Product, subscription: Subscription): boolean {
  return accessOf(product).policy !== 'open' || piiRequested(product, subscription).length > 0;
}

function sorted(columns: readonly string[]): string[] {
  return [...new Set(columns)].sort();
}

/** What the files allow `consumer` to read of `product` through `subscription`, on `now`. */
export function accessVerdict(ws: Workspace, consumer: Domain, product: Product, subscription: Subscription, now: Date): AccessVerdict {
  const listed = subscription.table?.columns && subscription.table.columns.length > 0 ? sorted(subscription.table.columns) : undefined;
  const needs = needsApproval(product, subscription);
  const { approval, denial } = decisionsFor(producerOf(ws, product), consumer.name, product.name);
  const base = { needsApproval: needs, ...(approval ? { approval } : {}), ...(denial ? { denial } : {}) };
  if (!needs) {
    return { ...base, status: 'open', grant: true, ...(listed ? { columns: listed } : {}), reason: `${product.name} is open` };
  }
  const access = accessOf(product);
  if (access.policy === 'restricted' && !access.allowedDomains.includes(consumer.name)) {
    return {
      ...base,
      status: 'denied',
      grant: false,
      reason: `${product.name} is restricted to ${access.allowedDomains.join(', ') || 'no domain'}`,
    };
  }
  if (approval) {
    if (isExpired(approval.until, now)) {
      return { ...base, status: 'expired', grant: false, reason: `approval expired on ${approval.until}` };
    }
    const requested = requestedColumns(product, subscription);
    const columns = approval.columns ? requested.filter((c) => approval.columns?.includes(c)) : [...requested];
    if (columns.length === 0) {
      return { ...base, status: 'approved', grant: false, reason: 'the approved columns and the requested ones have none in common' };
    }
    const whole = !listed && columns.length === product.columns.length;
    return {
      ...base,
      status: 'approved',
      grant: true,
      ...(whole ? {} : { columns: sorted(columns) }),
      reason: `approved by ${approval.by} on ${approval.date}${approval.until ? ` until ${approval.until}` : ''}`,
    };
  }
  if (denial)
    return {
      ...base,
      status: 'denied',
      grant: false,
      reason: `denied by ${denial.by} on ${denial.date}: ${denial.reason ?? 'no reason given'}`,
    };
  return { ...base, status: 'pending', grant: false, reason: `waiting for the approval of ${product.domain}` };
}
