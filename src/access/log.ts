/**
 * `mesh access log <product>`: who requested, approved, denied or revoked access to a product, when, and in which
 * commit, read from the git history of the domain files (the state of each commit compared with the one before).
 * Outside a git repository: the current state, and a note that history needs git.
 */
import path from 'node:path';
import { parse } from 'yaml';
import type { Workspace } from '../workspace/model.js';
import { git, repoRoot } from './git.js';
import { productNamed } from './inputs.js';
import { type AccessEntry, accessEntries } from './state.js';

export type LogAction = 'requested' | 'request changed' | 'withdrawn' | 'approved' | 'approval changed' | 'denied' | 'revoked';

export interface AccessLogEvent {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  /** Commit time, ISO 8601. */
  readonly date: string;
  readonly action: LogAction;
  readonly consumer: string;
  readonly product: string;
  /** Who the file records as deciding (approvals, denials) or requesting. */
  readonly recordedBy?: string;
  readonly detail?: string;
  readonly file: string;
}

export interface AccessLog {
  readonly product: string;
  readonly git: boolean;
  readonly events: readonly AccessLogEvent[];
  /** The state now (always). */
  readonly current: readonly AccessEntry[];
  readonly note?: string;
}

type Rec = Record<string, unknown>;
interface ConsumerState {
  request?: string;
  requestRec?: Rec;
  approval?: string;
  approvalRec?: Rec;
  denial?: string;
  denialRec?: Rec;
  file?: string;
  decisionFile?: string;
}

const asRec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const asList = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(asRec).filter((x): x is Rec => x !== undefined) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The access state of `product` in one commit's domain files. */
function stateOf(files: ReadonlyMap<string, string>, product: string, producer: string): Map<string, ConsumerState> {
  const out = new Map<string, ConsumerState>();
  const get = (c: string) => {
    const s = out.get(c) ?? {};
    out.set(c, s);
    return s;
  };
  for (const [file, text] of files) {
    let doc: Rec | undefined;
    try {
      doc = asRec(parse(text));
    } catch {
      continue;
    }
    const name = str(doc?.name);
    if (!doc || !name) continue;
    for (const sub of asList(doc.subscriptions)) {
      if (sub.product !== product || !sub.table) continue;
      const s = get(name);
      s.requestRec = { table: sub.table, ...(asRec(sub.request) ?? {}) };
      s.request = JSON.stringify(s.requestRec);
      s.file = file;
    }
    if (name !== producer) continue;
    for (const key of ['approvals', 'denials'] as const) {
      for (const d of asList(doc[key])) {
        const consumer = str(d.consumer);
        if (d.product !== product || !consumer) continue;
        const s = get(consumer);
        if (key === 'approvals') [s.approval, s.approvalRec] = [JSON.stringify(d), d];
        else [s.denial, s.denialRec] = [JSON.stringify(d), d];
        s.decisionFile = file;
      }
    }
  }
  return out;
}

function describeColumns(table: unknown): string {
  const cols = asRec(table)?.columns;
  return Array.isArray(cols) ? `columns ${cols.join(', ')}` : 'the whole table';
}

function eventsBetween(
  before: Map<string, ConsumerState>,
  after: Map<string, ConsumerState>,
): Omit<AccessLogEvent, 'commit' | 'author' | 'email' | 'date' | 'product'>[] {
  const out: Omit<AccessLogEvent, 'commit' | 'author' | 'email' | 'date' | 'product'>[] = [];
  for (const consumer of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(consumer) ?? {};
    const b = after.get(consumer) ?? {};
    const req = b.requestRec;
    if (!a.request && b.request) {
      const purpose = str(req?.purpose);
      out.push({
        action: 'requested',
        consumer,
        file: b.file ?? '',
        ...(str(req?.by) ? { recordedBy: str(req?.by) } : {}),
        detail: `${describeColumns(req?.table)}${purpose ? `; purpose: ${purpose}` : ''}${str(req?.until) ? `; until ${str(req?.until)}` : ''}`,
      });
    } else if (a.request && !b.request) out.push({ action: 'withdrawn', consumer, file: a.file ?? '' });
    else if (a.request && b.request && a.request !== b.request)
      out.push({ action: 'request changed', consumer, file: b.file ?? '', detail: describeColumns(req?.table) });
    const ap = b.approvalRec;
    if (!a.approval && b.approval) {
      out.push({
        action: 'approved',
        consumer,
        file: b.decisionFile ?? '',
        recordedBy: str(ap?.by) ?? '',
        detail: `${describeColumns(ap)}${str(ap?.until) ? `; until ${str(ap?.until)}` : ''}`,
      });
    } else if (a.approval && b.approval && a.approval !== b.approval) {
      out.push({
        action: 'approval changed',
        consumer,
        file: b.decisionFile ?? '',
        recordedBy: str(ap?.by) ?? '',
        detail: `${describeColumns(ap)}${str(ap?.until) ? `; until ${str(ap?.until)}` : ''}`,
      });
    }
    const dn = b.denialRec;
    const newDenial = b.denial && b.denial !== a.denial;
    if (a.approval && !b.approval) {
      out.push({
        action: 'revoked',
        consumer,
        file: a.decisionFile ?? '',
        ...(newDenial ? { recordedBy: str(dn?.by) ?? '', detail: str(dn?.reason) } : {}),
      });
    } else if (newDenial) {
      out.push({
        action: 'denied',
        consumer,
        file: b.decisionFile ?? '',
        recordedBy: str(dn?.by) ?? '',
        ...(str(dn?.reason) ? { detail: str(dn?.reason) } : {}),
      });
    }
  }
  return out;
}

export async function accessLog(ws: Workspace, productName: string, now?: Date): Promise<AccessLog> {
  const product = productNamed(ws, productName);
  const current = accessEntries(ws, now).filter((e) => e.product === product.name);
  const top = await repoRoot(ws.root);
  if (!top) {
    return {
      product: product.name,
      git: false,
      events: [],
      current,
      note: 'History needs git: this workspace is not in a git repository (or git is not installed); showing the current state.',
    };
  }
  const files = ws.domains.map((d) => path.relative(top, d.file).split(path.sep).join('/'));
  const log = await git(['log', '--reverse', '--format=%H%x1f%an%x1f%ae%x1f%aI', '--', ...files], top);
  const commits = log.stdout
    .split('\n')
    .filter((l) => l.includes('\x1f'))
    .map((l) => {
      const [commit = '', author = '', email = '', date = ''] = l.split('\x1f');
      return { commit, author, email, date };
    });
  const events: AccessLogEvent[] = [];
  let before = new Map<string, ConsumerState>();
  for (const c of commits) {
    const texts = new Map<string, string>();
    for (const file of files) {
      const shown = await git(['show', `${c.commit}:${file}`], top);
      if (shown.ok) texts.set(file, shown.stdout);
    }
    const after = stateOf(texts, product.name, product.domain);
    for (const e of eventsBetween(before, after)) events.push({ ...c, product: product.name, ...e });
    before = after;
  }
  return { product: product.name, git: true, events, current };
}
