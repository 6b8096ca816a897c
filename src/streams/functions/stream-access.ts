/**
 * Whether a stream subscription may be delivered, decided from the files alone (pure), as the table plane decides
 * its grants: the consumer's access verdict for the product must grant access (open, or approved and not expired),
 * and, since a column grant cannot be applied to events, the granted columns must cover every field of the event
 * schema that is a column of the product. A subscription that fails either is withheld: no function, mapping or
 * consumer group delivers it, and one already delivering is stopped.
 */
import { MeshError } from '../../core/errors.js';
import { type AccessStatus, accessVerdict } from '../../workspace/access-policy.js';
import type { Domain, Product, Subscription, Workspace } from '../../workspace/model.js';

export type StreamAccess =
  | { readonly grant: true }
  | {
      readonly grant: false;
      readonly status: AccessStatus | 'uncovered';
      /** Why nothing is delivered (for plans and errors). */
      readonly reason: string;
      /** What to do about it. */
      readonly hint: string;
    };

/** Top-level field names of an Avro record schema (the text validation parsed); undefined when it cannot be read. */
function eventFieldNames(schema: string): string[] | undefined {
  try {
    const json = JSON.parse(schema) as { fields?: unknown };
    if (!Array.isArray(json.fields)) return undefined;
    const names = json.fields.map((f) => (f && typeof f === 'object' ? (f as { name?: unknown }).name : undefined));
    return names.every((n): n is string => typeof n === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

const carriedByProduct = new WeakMap<Product, readonly string[] | undefined>();

/** The columns of `product` its events carry (top-level event fields named like a column); undefined: unreadable schema. */
function eventColumns(product: Product): readonly string[] | undefined {
  if (!product.stream) return [];
  if (carriedByProduct.has(product)) return carriedByProduct.get(product);
  const fields = eventFieldNames(product.stream.eventSchema);
  const columns = new Set(product.columns.map((c) => c.name));
  const carried = fields ? [...new Set(fields.filter((f) => columns.has(f)))].sort() : undefined;
  carriedByProduct.set(product, carried);
  return carried;
}

/**
 * The carried columns the consumer may not read. The columns its table subscription lists are a choice, not a limit:
 * a carried column counts as granted when access would grant it had the subscription listed it too (an open
 * product's PII column needs an approval; an approval covers the columns it lists).
 */
function uncovered(
  ws: Workspace,
  consumer: Domain,
  product: Product,
  subscription: Subscription,
  now: Date,
  granted: readonly string[],
  carried: readonly string[],
): string[] {
  return carried.filter((column) => {
    if (granted.includes(column)) return false;
    const wider = accessVerdict(ws, consumer, product, { ...subscription, table: { columns: [...granted, column] } }, now);
    return !wider.grant || (wider.columns !== undefined && !wider.columns.includes(column));
  });
}

/** What the files allow `consumer`'s stream subscription to `product` on `now`. */
export function streamAccess(ws: Workspace, consumer: Domain, product: Product, subscription: Subscription, now: Date): StreamAccess {
  if (product.domain === consumer.name) return { grant: true }; // a domain reads its own streams
  const carried = eventColumns(product);
  // A stream-only subscription asks for what the events carry.
  const asked = subscription.table || !carried?.length ? subscription : { ...subscription, table: { columns: [...carried] } };
  const verdict = accessVerdict(ws, consumer, product, asked, now);
  if (!verdict.grant) {
    return {
      grant: false,
      status: verdict.status,
      reason: verdict.reason,
      hint:
        // An approval answers a request, which goes on the table subscription (mesh access request adds both).
        verdict.status === 'pending' && subscription.request
          ? `The ${product.domain} domain approves it: mesh access approve ${consumer.name}/${product.name}.`
          : `Request access: mesh access request ${product.name} --domain ${consumer.name} --purpose "..."`,
    };
  }
  if (!verdict.columns) return { grant: true }; // the whole product
  const missing = carried ? uncovered(ws, consumer, product, asked, now, verdict.columns, carried) : undefined;
  if (missing && missing.length === 0) return { grant: true };
  const what = missing ? `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : 'fields that cannot be read from its schema';
  return {
    grant: false,
    status: 'uncovered',
    reason: `its events carry ${what}, which ${consumer.name} is not granted (a column grant cannot be applied to events)`,
    hint: missing
      ? `The ${product.domain} domain removes ${missing.join(', ')} from the event schema of ${product.name}, or grants ${consumer.name} ${missing.length > 1 ? 'them' : 'it'} (the subscription's table columns and the approval); else drop the stream part of the subscription.`
      : `Fix the event schema of ${product.name} (mesh validate).`,
  };
}

/** The error for an explicit stream subscription (`mesh subscribe --stream`) that access withholds. */
export function streamAccessError(consumer: Domain, product: Product, access: Exclude<StreamAccess, { grant: true }>): MeshError {
  return new MeshError('AccessNotApproved', `${consumer.name} may not read the stream of ${product.name}: ${access.reason}.`, {
    location: { file: consumer.file },
    hint: access.hint,
  });
}
