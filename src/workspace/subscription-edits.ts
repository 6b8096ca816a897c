/**
 * `mesh subscribe` and `mesh unsubscribe` keep the domain file the source of truth: subscribing to a port the file
 * does not declare adds it to the file (as `npm install` adds to package.json), and unsubscribing removes it, so
 * the next `mesh plan` agrees with what was applied. Edits go through the YAML Document API: comments survive.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { configError, didYouMean, usageError } from '../core/errors.js';
import type { Domain, Workspace } from './model.js';
import { requireDomain } from './require-domain.js';

/** Write options that leave the lines mesh did not touch as they were (no re-wrapping, `[a, b]` kept tight). */
export const KEEP_STYLE = { lineWidth: 0, flowCollectionPadding: false } as const;

export interface PortRequest {
  readonly table: boolean;
  readonly stream: boolean;
  /** With stream: the function to add when the file names none. */
  readonly function?: string;
}

export function subscriptionsOf(file: string): { doc: ReturnType<typeof parseDocument>; seq: YAMLSeq } {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  let seq = doc.get('subscriptions', true);
  if (!isSeq(seq)) {
    doc.set('subscriptions', doc.createNode([]));
    seq = doc.get('subscriptions', true);
  }
  return { doc, seq: seq as YAMLSeq };
}

export function entryFor(seq: YAMLSeq, product: string): YAMLMap | undefined {
  return seq.items.find((item): item is YAMLMap => isMap(item) && item.get('product') === product);
}

/** Adds the requested ports to the domain file when it lacks them. Returns true when the file changed. */
export function declareSubscription(domain: Domain, product: string, request: PortRequest): boolean {
  const declared = domain.subscriptions.find((s) => s.product === product);
  const needTable = request.table && !declared?.table;
  const needStream = request.stream && !declared?.stream;
  if (!needTable && !needStream) return false;
  if (needStream && !request.function) {
    throw configError('StreamFunctionMissing', `${domain.name} does not subscribe to the stream of ${product} in its domain file yet.`, {
      hint: `Pass --function <name> (its handler goes in ${domain.dir}/handlers/<name>/), or declare the stream subscription in ${domain.file}.`,
      location: { file: domain.file },
    });
  }
  const { doc, seq } = subscriptionsOf(domain.file);
  let entry = entryFor(seq, product);
  if (!entry) {
    entry = doc.createNode({ product }) as YAMLMap;
    seq.add(entry);
  }
  if (needTable) entry.set('table', true);
  if (needStream) entry.set('stream', doc.createNode({ function: request.function }));
  writeFileSync(domain.file, doc.toString(KEEP_STYLE));
  return true;
}

/** Removes the ports from the domain file (the whole entry when none is left). Returns true when the file changed. */
export function removeSubscription(domain: Domain, product: string, ports: { table: boolean; stream: boolean }): boolean {
  const { doc, seq } = subscriptionsOf(domain.file);
  const entry = entryFor(seq, product);
  if (!entry) return false;
  let changed = false;
  if (ports.table && entry.has('table')) changed = entry.delete('table') || changed;
  if (ports.stream && entry.has('stream')) changed = entry.delete('stream') || changed;
  if (!entry.has('table') && !entry.has('stream')) {
    seq.items.splice(seq.items.indexOf(entry), 1);
    changed = true;
  }
  if (changed) writeFileSync(domain.file, doc.toString(KEEP_STYLE));
  return changed;
}

/** Which consumer and ports a subscribe/unsubscribe covers (pure over the workspace). */
export function resolveSubscriptionPorts(
  workspace: Workspace,
  product: string,
  flags: { readonly domain?: string; readonly table?: boolean; readonly stream?: boolean },
  mode: 'subscribe' | 'unsubscribe',
): { domain: Domain; table: boolean; stream: boolean } {
  // A misspelt product first: every later message would lead the wrong way.
  const known = [
    ...new Set([...workspace.products.map((p) => p.name), ...workspace.domains.flatMap((d) => d.subscriptions.map((s) => s.product))]),
  ];
  if (!known.includes(product)) {
    throw configError('UnknownProduct', `No product is named "${product}".`, {
      hint: didYouMean(product, known) ?? `Products: ${known.join(', ')}.`,
    });
  }
  const name = flags.domain ?? (mode === 'subscribe' ? soleConsumer(workspace) : soleSubscriber(workspace, product));
  const domain = requireDomain(workspace, name);
  // Neither flag: the ports the domain file declares.
  if (!flags.table && !flags.stream) {
    const declared = domain.subscriptions.find((s) => s.product === product);
    if (!declared) {
      throw usageError(
        `${name}'s domain file does not subscribe to "${product}".`,
        mode === 'subscribe' ? 'Pass --table and/or --stream --function <name> to add the subscription.' : 'There is nothing to remove.',
      );
    }
    return { domain, table: Boolean(declared.table), stream: Boolean(declared.stream) };
  }
  return { domain, table: Boolean(flags.table), stream: Boolean(flags.stream) };
}

/** subscribe without --domain: the workspace's one consumer domain, or a usage error listing them all. */
function soleConsumer(workspace: Workspace): string {
  const candidates = workspace.domains.filter((d) => d.kind !== 'producer').map((d) => d.name);
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw usageError(
    candidates.length === 0
      ? 'The workspace has no consumer domain to subscribe.'
      : `--domain is required: the workspace has ${candidates.length} consumer domains (${candidates.join(', ')}).`,
    candidates.length === 0
      ? 'Add one: mesh init consumer <name>.'
      : `Pass --domain ${candidates[0]} (or ${candidates.slice(1).join(', ')}).`,
  );
}

function soleSubscriber(workspace: Workspace, product: string): string {
  const candidates = workspace.domains.filter((d) => d.subscriptions.some((s) => s.product === product)).map((d) => d.name);
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw usageError(
    candidates.length === 0
      ? `No domain file subscribes to "${product}".`
      : `Several domains subscribe to "${product}": ${candidates.join(', ')}.`,
    'Pass --domain <consumer>.',
  );
}

/**
 * Edits the domain file, runs `then` (plan and apply) against the edited workspace, and puts the file back as it was
 * when `then` fails or only previews (`keep` false): bad input never leaves a broken workspace behind.
 * Returns whether the file was changed and kept.
 */
export async function withSubscriptionEdit(
  domain: Domain,
  product: string,
  edit: { readonly kind: 'declare' | 'remove'; readonly ports: PortRequest; readonly keep: boolean },
  then: () => Promise<void>,
): Promise<boolean> {
  const original = readFileSync(domain.file, 'utf8');
  const changed =
    edit.kind === 'declare' ? declareSubscription(domain, product, edit.ports) : removeSubscription(domain, product, edit.ports);
  try {
    await then();
  } catch (error) {
    if (changed) writeFileSync(domain.file, original);
    throw error;
  }
  if (changed && !edit.keep) writeFileSync(domain.file, original);
  return changed && edit.keep;
}
