/**
 * `mesh access request | approve | deny | revoke`: each checks its input against the workspace, edits one domain
 * file (the consumer's for a request, the producer's for a decision) and validates the result. A dry run shows the
 * edit and writes nothing. No grant happens here: the next `mesh apply` follows the files.
 */
import path from 'node:path';
import { type AccessStatus, accessOf, accessVerdict, decisionsFor, isExpired, isoDay } from '../workspace/access-policy.js';
import type { AccessDecision, Workspace } from '../workspace/model.js';
import { requireDomain } from '../workspace/require-domain.js';
import { applyEdit, decisionEdit, type FileEdit, requestEdit } from './edits.js';
import { gitIdentity } from './git.js';
import {
  accessError,
  assertActsAsProducer,
  parseColumns,
  parseRequestRef,
  parseUntil,
  productNamed,
  requestOf,
  requiredText,
} from './inputs.js';

export interface AccessChange {
  readonly action: 'request' | 'approve' | 'deny' | 'revoke';
  readonly consumer: string;
  readonly product: string;
  readonly producer: string;
  /** The domain file edited, relative to the workspace root. */
  readonly file: string;
  readonly written: boolean;
  /** What was recorded. */
  readonly entry: Readonly<Record<string, unknown>>;
  /** The request's status once the edit is in (and applied). */
  readonly status: AccessStatus;
  /** The edited file as it would be (dry run). */
  readonly preview?: string;
}

export interface ActionOptions {
  readonly cwd: string;
  readonly dryRun?: boolean;
  readonly now: Date;
  readonly by?: string;
}

async function finish(
  ws: Workspace,
  edit: FileEdit,
  options: ActionOptions,
  change: Omit<AccessChange, 'file' | 'written'>,
): Promise<AccessChange> {
  if (!options.dryRun) await applyEdit(ws.root, edit);
  return {
    ...change,
    file: path.relative(ws.root, edit.file).split(path.sep).join('/'),
    written: !options.dryRun,
    ...(options.dryRun ? { preview: edit.after } : {}),
  };
}

async function actor(ws: Workspace, by: string | undefined, required: boolean): Promise<string | undefined> {
  const who = by?.trim() || (await gitIdentity(ws.root));
  if (!who && required) {
    throw accessError(
      'ApproverUnknown',
      'Who decides is recorded, and git knows no user here.',
      'Pass --by "Name <email>", or set git config user.name and user.email.',
    );
  }
  return who;
}

export async function requestAccess(
  ws: Workspace,
  input: { product: string; domain: string; columns?: string; purpose?: string; until?: string },
  options: ActionOptions,
): Promise<AccessChange> {
  const product = productNamed(ws, input.product);
  const consumer = requireDomain(ws, input.domain);
  if (product.domain === consumer.name) {
    throw accessError('SelfSubscription', `${consumer.name} owns ${product.name}; a domain reads its own products without a request.`);
  }
  if (consumer.kind === 'producer') {
    throw accessError(
      'SubscriberNotConsumer',
      `${consumer.name} is a producer domain; only consumer domains subscribe.`,
      `Set kind: both in ${path.relative(ws.root, consumer.file)}.`,
    );
  }
  const purpose = requiredText(input.purpose, '--purpose', 'PurposeRequired', `--purpose "weekly churn report"`);
  const columns = parseColumns(product, input.columns);
  const until = parseUntil(input.until, options.now);
  const access = accessOf(product);
  if (access.policy === 'restricted' && !access.allowedDomains.includes(consumer.name)) {
    throw accessError(
      'DomainNotAllowed',
      `${product.name} is restricted to ${access.allowedDomains.join(', ') || 'no domain yet'}; ${consumer.name} may not request it.`,
      `Ask the ${product.domain} domain (${product.owner.team || 'its owner'}) to add ${consumer.name} to allowedDomains in its contract.`,
    );
  }
  const existing = consumer.subscriptions.find((s) => s.product === product.name);
  const { approval } = decisionsFor(
    ws.domains.find((d) => d.name === product.domain),
    consumer.name,
    product.name,
  );
  if (approval && !isExpired(approval.until, options.now)) {
    throw accessError(
      'AlreadyApproved',
      `${consumer.name}'s access to ${product.name} is approved already (by ${approval.by} on ${approval.date}).`,
      `See it with: mesh access list --product ${product.name}`,
    );
  }
  if (existing?.request && existing.table) {
    throw accessError(
      'AlreadyRequested',
      `${consumer.name} has requested ${product.name} already (${existing.request.requested ?? 'date unknown'}).`,
      `The ${product.domain} domain decides: mesh access approve ${consumer.name}/${product.name}, or mesh access deny ${consumer.name}/${product.name} --reason "...".`,
    );
  }
  const by = await actor(ws, undefined, false);
  const request = { purpose, ...(until ? { until } : {}), requested: isoDay(options.now), ...(by ? { by } : {}) };
  const edit = requestEdit(consumer.file, product.name, columns, request);
  const subscription = { ...(existing ?? { product: product.name }), table: columns ? { columns } : {}, request };
  const status = accessVerdict(ws, consumer, product, subscription, options.now).status;
  return finish(ws, edit, options, {
    action: 'request',
    consumer: consumer.name,
    product: product.name,
    producer: product.domain,
    entry: { product: product.name, table: columns ? { columns } : true, request },
    status,
  });
}

/** The request named `<consumer>/<product>`, checked from the producer's side. */
function decisionTarget(ws: Workspace, ref: string, options: ActionOptions & { as?: string }, verb: string) {
  const { consumer: consumerName, product: productName } = parseRequestRef(ref);
  const product = productNamed(ws, productName);
  const consumer = requireDomain(ws, consumerName);
  const producer = requireDomain(ws, product.domain);
  assertActsAsProducer(ws, producer, options.cwd, options.as, verb);
  const subscription = requestOf(consumer, product);
  const decisions = decisionsFor(producer, consumer.name, product.name);
  return { product, consumer, producer, subscription, ...decisions };
}

function noRequest(consumer: string, product: string): Error {
  return accessError(
    'RequestNotFound',
    `${consumer} has not requested access to ${product}: its domain file has no subscription to the ${product} table.`,
    `The consumer requests first: mesh access request ${product} --domain ${consumer} --purpose "...". Pending requests: mesh access list --pending.`,
  );
}

export async function approveAccess(
  ws: Workspace,
  ref: string,
  input: { columns?: string; until?: string; as?: string },
  options: ActionOptions,
): Promise<AccessChange> {
  const t = decisionTarget(ws, ref, { ...options, as: input.as }, 'approve');
  if (!t.subscription) throw noRequest(t.consumer.name, t.product.name);
  if (t.approval && !isExpired(t.approval.until, options.now)) {
    throw accessError(
      'AlreadyApproved',
      `${t.consumer.name}/${t.product.name} is approved already (by ${t.approval.by} on ${t.approval.date}${t.approval.until ? `, until ${t.approval.until}` : ''}).`,
      `One approval per request: to change it, revoke it first (mesh access revoke ${t.consumer.name}/${t.product.name}).`,
    );
  }
  const access = accessOf(t.product);
  if (access.policy === 'restricted' && !access.allowedDomains.includes(t.consumer.name)) {
    throw accessError(
      'DomainNotAllowed',
      `${t.product.name} is restricted to ${access.allowedDomains.join(', ') || 'no domain yet'}.`,
      `Add ${t.consumer.name} to allowedDomains in the contract first.`,
    );
  }
  const requested = t.subscription.table?.columns?.length ? [...t.subscription.table.columns] : t.product.columns.map((c) => c.name);
  const asked = parseColumns(t.product, input.columns);
  const outside = (asked ?? []).filter((c) => !requested.includes(c));
  if (outside.length > 0) {
    throw accessError(
      'ColumnsNotRequested',
      `${t.consumer.name} did not request ${outside.map((c) => `"${c}"`).join(', ')} of ${t.product.name}.`,
      `Approve some of the requested columns: ${requested.join(', ')}.`,
    );
  }
  const until =
    input.until !== undefined
      ? parseUntil(input.until, options.now)
      : parseUntil(t.subscription.request?.until, options.now, "the request's until");
  const by = (await actor(ws, options.by, true)) as string;
  const decision: AccessDecision = {
    consumer: t.consumer.name,
    product: t.product.name,
    columns: asked ?? requested,
    by,
    date: isoDay(options.now),
    ...(until ? { until } : {}),
  };
  const edit = decisionEdit(t.producer.file, { kind: 'approvals', decision });
  return finish(ws, edit, options, {
    action: 'approve',
    consumer: t.consumer.name,
    product: t.product.name,
    producer: t.producer.name,
    entry: { ...decision },
    status: 'approved',
  });
}

export async function denyAccess(
  ws: Workspace,
  ref: string,
  input: { reason?: string; as?: string },
  options: ActionOptions,
): Promise<AccessChange> {
  const reason = requiredText(input.reason, '--reason', 'ReasonRequired', '--reason "email is not needed for churn reports"');
  const t = decisionTarget(ws, ref, { ...options, as: input.as }, 'deny');
  if (!t.subscription) throw noRequest(t.consumer.name, t.product.name);
  if (t.denial && !t.approval) {
    throw accessError(
      'AlreadyDenied',
      `${t.consumer.name}/${t.product.name} is denied already (by ${t.denial.by} on ${t.denial.date}: ${t.denial.reason ?? ''}).`,
    );
  }
  const by = (await actor(ws, options.by, true)) as string;
  const decision: AccessDecision = { consumer: t.consumer.name, product: t.product.name, by, date: isoDay(options.now), reason };
  const edit = decisionEdit(t.producer.file, { kind: 'denials', decision });
  return finish(ws, edit, options, {
    action: 'deny',
    consumer: t.consumer.name,
    product: t.product.name,
    producer: t.producer.name,
    entry: { ...decision },
    status: 'denied',
  });
}

export async function revokeAccess(
  ws: Workspace,
  ref: string,
  input: { reason?: string; as?: string },
  options: ActionOptions,
): Promise<AccessChange> {
  const t = decisionTarget(ws, ref, { ...options, as: input.as }, 'revoke');
  if (!t.approval) {
    throw accessError(
      'NoApproval',
      `${t.consumer.name}/${t.product.name} has no approval to revoke.`,
      `See the state with: mesh access list --product ${t.product.name}`,
    );
  }
  const by = (await actor(ws, options.by, true)) as string;
  const why = input.reason?.trim();
  const decision: AccessDecision = {
    consumer: t.consumer.name,
    product: t.product.name,
    by,
    date: isoDay(options.now),
    reason: `approval revoked${why ? `: ${why}` : ''}`,
  };
  const edit = decisionEdit(t.producer.file, { kind: 'denials', decision });
  return finish(ws, edit, options, {
    action: 'revoke',
    consumer: t.consumer.name,
    product: t.product.name,
    producer: t.producer.name,
    entry: { ...decision },
    status: 'denied',
  });
}
