/**
 * The file edits of `mesh access`: a request goes on the consumer's subscription, approvals and denials into the
 * producer's domain file. Edits go through the YAML Document API (comments and untouched lines survive), and the
 * workspace is validated after each one: a file that would not validate is put back as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { configInvalid, validateWorkspace } from '../workspace/load.js';
import type { AccessDecision, AccessRequest } from '../workspace/model.js';
import { entryFor, KEEP_STYLE, subscriptionsOf } from '../workspace/subscription-edits.js';

type Doc = ReturnType<typeof parseDocument>;

/** A pending edit: the new text of one file. */
export interface FileEdit {
  readonly file: string;
  readonly before: string;
  readonly after: string;
}

/** Sets the table port and the request on the consumer's subscription (adding the subscription when new). */
export function requestEdit(file: string, product: string, columns: readonly string[] | undefined, request: AccessRequest): FileEdit {
  const before = readFileSync(file, 'utf8');
  const { doc, seq } = subscriptionsOf(file);
  let entry = entryFor(seq, product);
  if (!entry) {
    entry = doc.createNode({ product }) as YAMLMap;
    seq.add(entry);
  }
  entry.set('table', columns ? doc.createNode({ columns: flow(doc, columns) }) : true);
  entry.set('request', doc.createNode(clean({ ...request })));
  return { file, before, after: doc.toString(KEEP_STYLE) };
}

function clean(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function flow(doc: Doc, values: readonly string[]): YAMLSeq {
  const node = doc.createNode([...values]) as YAMLSeq;
  node.flow = true;
  return node;
}

function listOf(doc: Doc, key: 'approvals' | 'denials'): YAMLSeq {
  let seq = doc.get(key, true);
  if (!isSeq(seq)) {
    doc.set(key, doc.createNode([]));
    seq = doc.get(key, true);
  }
  return seq as YAMLSeq;
}

function removeFrom(doc: Doc, key: 'approvals' | 'denials', consumer: string, product: string): boolean {
  const seq = doc.get(key, true);
  if (!isSeq(seq)) return false;
  const before = seq.items.length;
  seq.items = seq.items.filter((item) => !(isMap(item) && item.get('consumer') === consumer && item.get('product') === product));
  if (seq.items.length === 0) doc.delete(key);
  return seq.items.length !== before;
}

/**
 * Records a decision in the producer's domain file: `add` goes to approvals or denials, replacing any earlier
 * decision on the same request (an approval replaces a denial or an expired approval; a denial or a revocation
 * replaces the approval).
 */
export function decisionEdit(file: string, add: { kind: 'approvals' | 'denials'; decision: AccessDecision }): FileEdit {
  const before = readFileSync(file, 'utf8');
  const doc = parseDocument(before);
  const { consumer, product } = add.decision;
  removeFrom(doc, 'approvals', consumer, product);
  removeFrom(doc, 'denials', consumer, product);
  const d = add.decision;
  const node = doc.createNode(
    clean({ consumer, product, columns: d.columns ? [] : undefined, by: d.by, date: d.date, until: d.until, reason: d.reason }),
  ) as YAMLMap;
  if (d.columns) node.set('columns', flow(doc, d.columns));
  listOf(doc, add.kind).add(node);
  return { file, before, after: doc.toString(KEEP_STYLE) };
}

/** Writes the edit, then validates the workspace; puts the file back and throws ConfigInvalid when it does not validate. */
export async function applyEdit(root: string, edit: FileEdit): Promise<void> {
  writeFileSync(edit.file, edit.after);
  try {
    const result = await validateWorkspace(root);
    if (!result.workspace) throw configInvalid(result.problems);
  } catch (error) {
    writeFileSync(edit.file, edit.before);
    throw error;
  }
}
