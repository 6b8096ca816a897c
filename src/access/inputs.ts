/** Checks on what `mesh access` is given: names, columns, dates. Each bad input is a MeshError that changes nothing. */
import path from 'node:path';
import { didYouMean, type ErrorCode, MeshError } from '../core/errors.js';
import { isoDay } from '../workspace/access-policy.js';
import type { Domain, Product, Subscription, Workspace } from '../workspace/model.js';

export function accessError(code: ErrorCode, message: string, hint?: string): MeshError {
  return new MeshError(code, message, { hint });
}

export function productNamed(ws: Workspace, name: string): Product {
  const product = ws.products.find((p) => p.name === name);
  if (!product) {
    const names = ws.products.map((p) => p.name);
    throw accessError('UnknownProduct', `No product is named "${name}".`, didYouMean(name, names) ?? `Products: ${names.join(', ')}.`);
  }
  if (!product.table) throw accessError('NoTablePort', `${name} has no table port: access requests are for tables.`);
  return product;
}

/** `<consumer>/<product>` → its parts. */
export function parseRequestRef(ref: string): { consumer: string; product: string } {
  const parts = ref.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw accessError('UsageError', `"${ref}" is not <consumer>/<product>.`, 'For example: mesh access approve analytics/users.');
  }
  return { consumer: parts[0], product: parts[1] };
}

/** `a,b` → the columns, each one the product's. */
export function parseColumns(product: Product, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const columns = [...new Set(text.split(',').map((c) => c.trim()))].filter((c) => c !== '');
  if (columns.length === 0) throw accessError('UsageError', '--columns names no column.', 'Write --columns a,b,c.');
  const known = product.columns.map((c) => c.name);
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length > 0) {
    throw accessError(
      'UnknownColumn',
      `${product.name} has no column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}.`,
      (unknown[0] ? didYouMean(unknown[0], known) : undefined) ?? `Columns of ${product.name}: ${known.join(', ')}.`,
    );
  }
  return columns;
}

/** A YYYY-MM-DD that is a real date and not before today. */
export function parseUntil(text: string | undefined, now: Date, what = '--until'): string | undefined {
  if (text === undefined) return undefined;
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isoDay(new Date(`${text}T00:00:00Z`)) === text;
  if (!valid) throw accessError('InvalidDate', `${what} "${text}" is not a date.`, 'Write YYYY-MM-DD, e.g. 2027-06-30.');
  if (text < isoDay(now)) {
    throw accessError(
      'ExpiryInPast',
      `${what} ${text} is in the past (today is ${isoDay(now)}).`,
      'Give the last day access should last, today or later.',
    );
  }
  return text;
}

export function requiredText(value: string | undefined, flag: string, code: ErrorCode, example: string): string {
  const text = value?.trim();
  if (!text) throw accessError(code, `${flag} is required and may not be empty.`, `For example: ${example}`);
  return text;
}

/** The consumer's table subscription to the product: the request. */
export function requestOf(consumer: Domain, product: Product): Subscription | undefined {
  return consumer.subscriptions.find((s) => s.product === product.name && s.table);
}

/** Decisions are the producer's: refuse them from another domain's folder, or for another --domain. */
export function assertActsAsProducer(ws: Workspace, producer: Domain, cwd: string, as: string | undefined, verb: string): void {
  const here =
    as ??
    ws.domains.find((d) => {
      const rel = path.relative(d.dir, cwd);
      return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    })?.name;
  if (here !== undefined && here !== producer.name) {
    throw accessError(
      'NotProducer',
      `Only the ${producer.name} domain can ${verb} access to its products; this runs as ${here}.`,
      `Run it from ${path.relative(ws.root, producer.dir) || '.'} (or the workspace root), where the ${producer.name} team reviews the change.`,
    );
  }
}
