import type { Change, ChangeAction, Plan, Plane } from '../../engine/plan.js';
import type { Workspace } from '../../workspace/model.js';

/** The first line of every plan comment: a workflow finds its earlier comment by it and edits it in place. */
export const PLAN_COMMENT_MARKER = '<!-- mesh-plan -->';

/** A pending access request, as the plan comment lists it (the fields it shows of an access entry). */
export interface PendingRequest {
  readonly consumer: string;
  readonly product: string;
  readonly producer: string;
  readonly columns?: readonly string[];
  readonly purpose?: string;
  readonly until?: string;
}

export interface PlanMarkdownInput {
  readonly plan: Plan;
  readonly mesh: string;
  readonly target: string;
  /** Account id → who lives there, e.g. `111111111111` → `central`; shown next to the id. */
  readonly accounts?: ReadonlyMap<string, string>;
  readonly pending?: readonly PendingRequest[];
}

/** Lists longer than this fold into a `<details>` block. */
const FOLD_AFTER = 10;
/** Rows shown per table at most, tried in turn until the comment fits GitHub's limit (65,536 characters). */
const ROW_LIMITS = [100, 20, 0] as const;
const COMMENT_LIMIT = 60_000;

const PLANE_ORDER: readonly Plane[] = ['catalog', 'schemas', 'streams', 'functions', 'personalize'];
const ACTION_ORDER: readonly ChangeAction[] = ['delete', 'replace', 'update', 'create', 'revoke', 'grant', 'noop'];
const ACTION_MARK: Record<ChangeAction, string> = {
  create: '➕ create',
  update: '✏️ update',
  replace: '♻️ replace',
  grant: '🔓 grant',
  revoke: '🔒 revoke',
  delete: '🗑️ delete',
  noop: 'unchanged',
};

/** Text for a table cell: no line breaks, pipes escaped, no raw HTML. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** A code span for a table cell (resource names): backticks inside become quotes, pipes escaped. */
function code(text: string): string {
  return `\`${text.replace(/\r?\n/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byActionThenResource(a: Change, b: Change): number {
  return (
    ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
    compare(a.ref.type, b.ref.type) ||
    compare(a.ref.label ?? a.ref.id, b.ref.label ?? b.ref.id) ||
    compare(a.key, b.key)
  );
}

function accountName(account: string | undefined, accounts: ReadonlyMap<string, string> | undefined): string {
  if (account === undefined) return 'local';
  const who = accounts?.get(account);
  return who ? `${account} (${who})` : account;
}

type Rows = readonly (readonly string[])[];

/** A table, folded into `<details>` when long, with at most `maxRows` rows (the rest counted). */
function table(headers: readonly string[], rows: Rows, maxRows: number): string[] {
  const shown = rows.slice(0, maxRows);
  const lines =
    shown.length > 0
      ? [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...shown.map((r) => `| ${r.join(' | ')} |`)]
      : [];
  if (rows.length > shown.length) {
    lines.push(
      ...(shown.length > 0 ? [''] : []),
      `… ${shown.length > 0 ? 'and ' : ''}${rows.length - shown.length} more: run \`mesh plan\` for the full list.`,
    );
  }
  if (rows.length <= FOLD_AFTER || shown.length === 0) return [...lines, ''];
  return ['<details>', `<summary>Show all ${rows.length}</summary>`, '', ...lines, '', '</details>', ''];
}

function counts(changes: readonly Change[]): string {
  const n = new Map<ChangeAction, number>();
  for (const c of changes) n.set(c.action, (n.get(c.action) ?? 0) + 1);
  return ACTION_ORDER.filter((a) => a !== 'noop' && n.has(a))
    .map((a) => `${n.get(a)} to ${a}`)
    .join(', ');
}

function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `**Plan:** ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.grant} to grant, ${s.revoke} to revoke, ${s.delete} to delete, ${s.noop} unchanged.`;
}

type Accounts = PlanMarkdownInput['accounts'];

function breakingSection(changes: readonly Change[], accounts: Accounts, maxRows: number): string[] {
  const breaking = changes.filter((c) => c.breaking).sort(byActionThenResource);
  if (breaking.length === 0) return [];
  const flags = [...new Set(breaking.map((c) => c.requiresFlag).filter((f): f is string => Boolean(f)))].sort();
  const rows = breaking.map((c) => [
    c.action,
    c.ref.plane,
    accountName(c.ref.account, accounts),
    `${code(c.ref.label ?? c.ref.id)} (${cell(c.ref.type)})`,
    cell(c.reason),
  ]);
  const s = breaking.length === 1 ? '' : 's';
  return [
    '> [!CAUTION]',
    `> **${breaking.length} breaking change${s}**: subscribers may break.${flags.length > 0 ? ` Apply needs ${flags.map((f) => `\`${f}\``).join(' ')}.` : ''}`,
    '',
    `### Breaking changes (${breaking.length})`,
    '',
    ...table(['action', 'plane', 'account', 'resource', 'why'], rows, maxRows),
  ];
}

function grantsSection(changes: readonly Change[], accounts: Accounts, maxRows: number): string[] {
  const out: string[] = [];
  for (const [action, title] of [
    ['grant', 'Grants added'],
    ['revoke', 'Grants revoked'],
  ] as const) {
    const list = changes.filter((c) => c.action === action).sort(byActionThenResource);
    if (list.length === 0) continue;
    const rows = list.map((c) => [code(c.ref.label ?? c.ref.id), accountName(c.ref.account, accounts), cell(c.reason)]);
    out.push(`### ${title} (${list.length})`, '', ...table(['grant', 'account', 'why'], rows, maxRows));
  }
  return out;
}

function changesSection(changes: readonly Change[], accounts: Accounts, maxRows: number): string[] {
  const others = changes.filter((c) => c.action !== 'grant' && c.action !== 'revoke');
  if (others.length === 0) return [];
  const groups = new Map<string, { plane: Plane; account: string; changes: Change[] }>();
  for (const c of others) {
    const account = accountName(c.ref.account, accounts);
    const key = `${c.ref.plane}\u0000${account}`;
    const group = groups.get(key) ?? { plane: c.ref.plane, account, changes: [] };
    group.changes.push(c);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => PLANE_ORDER.indexOf(a.plane) - PLANE_ORDER.indexOf(b.plane) || compare(a.plane, b.plane) || compare(a.account, b.account),
  );
  const out = ['### Changes by plane and account', ''];
  for (const group of ordered) {
    const list = group.changes.sort(byActionThenResource);
    const rows = list.map((c) => [
      ACTION_MARK[c.action],
      cell(c.ref.type),
      code(c.ref.label ?? c.ref.id),
      `${cell(c.reason)}${c.breaking ? ' **breaking**' : ''}${c.requiresFlag ? ` (needs \`${c.requiresFlag}\`)` : ''}`,
    ]);
    out.push(`#### ${group.plane} · ${group.account}: ${counts(list)}`, '', ...table(['action', 'type', 'resource', 'why'], rows, maxRows));
  }
  return out;
}

function pendingSection(pending: readonly PendingRequest[], maxRows: number): string[] {
  if (pending.length === 0) return [];
  const sorted = [...pending].sort(
    (a, b) => compare(a.product, b.product) || compare(a.consumer, b.consumer) || compare(a.until ?? '', b.until ?? ''),
  );
  const rows = sorted.map((p) => [
    code(`${p.consumer}/${p.product}`),
    cell(p.producer),
    p.columns && p.columns.length > 0 ? cell([...p.columns].sort().join(', ')) : 'all',
    cell(p.purpose ?? ''),
    cell(p.until ?? ''),
  ]);
  return [
    `### Pending access requests (${pending.length})`,
    '',
    ...table(['request', 'producer (approves)', 'columns', 'purpose', 'until'], rows, maxRows),
    'A pending request gets no grant. The producer decides in its own domain: `mesh access approve <consumer>/<product>` or `mesh access deny <consumer>/<product> --reason "…"`.',
    '',
  ];
}

function render(input: PlanMarkdownInput, maxRows: number): string {
  const { plan, accounts } = input;
  const changes = plan.changes.filter((c) => c.action !== 'noop');
  const lines = [PLAN_COMMENT_MARKER, `## mesh plan: ${cell(input.mesh)} (target ${cell(input.target)})`, ''];
  lines.push(changes.length === 0 ? 'No changes. Everything is up to date.' : summaryLine(plan), '');
  lines.push(
    ...breakingSection(changes, accounts, maxRows),
    ...grantsSection(changes, accounts, maxRows),
    ...changesSection(changes, accounts, maxRows),
    ...pendingSection(input.pending ?? [], maxRows),
  );
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * A plan as a pull-request comment (GitHub-flavoured markdown): breaking changes first, then the grants added and
 * revoked with the plan's reason, the other changes grouped by plane and account, and the pending access requests.
 * Long lists fold into `<details>`. Deterministic: the same plan gives the same text, whatever order it came in.
 */
export function renderPlanMarkdown(input: PlanMarkdownInput): string {
  let text = '';
  for (const maxRows of ROW_LIMITS) {
    text = render(input, maxRows);
    if (text.length <= COMMENT_LIMIT) break;
  }
  return text;
}

/** Who lives in each account of a workspace: `central` and the domain names, for the plan comment's headings. */
export function accountNames(workspace: Workspace): Map<string, string> {
  const names = new Map<string, string[]>();
  const add = (account: string, who: string) => names.set(account, [...(names.get(account) ?? []), who]);
  add(workspace.mesh.central.account, 'central');
  for (const domain of [...workspace.domains].sort((a, b) => compare(a.name, b.name))) add(domain.access.account, domain.name);
  return new Map([...names].map(([account, who]) => [account, who.join(', ')]));
}
