import type { Plan } from '../../engine/plan.js';
import { formatTable, type Output } from '../../io/output.js';

const GLYPH: Record<string, string> = {
  create: '+',
  update: '~',
  replace: '±',
  grant: '>',
  revoke: '<',
  delete: '-',
  noop: '=',
};

/** A plan as a person reads it: one line per change, then the counts. No-ops only with --verbose. */
export function renderPlan(plan: Plan, output: Output): string {
  const s = output.style;
  const colour = (action: string) =>
    action === 'create' || action === 'grant'
      ? s.green
      : action === 'delete' || action === 'revoke'
        ? s.red
        : action === 'noop'
          ? s.dim
          : s.yellow;
  const shown = plan.changes.filter((c) => output.verbose || c.action !== 'noop');
  const rows = shown.map((c) => [
    `${GLYPH[c.action] ?? '?'} ${c.action}`,
    c.ref.type,
    c.ref.label ?? c.ref.id,
    `${c.reason}${c.breaking ? ' [BREAKING]' : ''}${c.requiresFlag ? ` (needs ${c.requiresFlag})` : ''}`,
  ]);
  const table = rows.length > 0 ? formatTable(['action', 'type', 'resource', 'why'], rows) : 'No changes. Everything is up to date.';
  const lines = table
    .split('\n')
    .map((line, i) => (i === 0 && rows.length > 0 ? s.bold(line) : i > 0 ? colour(shown[i - 1]?.action ?? '')(line) : line));
  const sum = plan.summary;
  lines.push(
    '',
    `Plan: ${sum.create} to create, ${sum.update} to update, ${sum.replace} to replace, ${sum.grant} to grant, ${sum.revoke} to revoke, ${sum.delete} to delete, ${sum.noop} unchanged.`,
  );
  return lines.join('\n');
}

/** The --json form of a plan. */
export function planDocument(plan: Plan): unknown {
  return {
    summary: plan.summary,
    changes: plan.changes.map((c) => ({
      action: c.action,
      key: c.key,
      plane: c.ref.plane,
      type: c.ref.type,
      id: c.ref.id,
      label: c.ref.label,
      account: c.ref.account,
      reason: c.reason,
      breaking: c.breaking ?? false,
      requiresFlag: c.requiresFlag,
      before: c.before,
      after: c.after,
      dependsOn: c.dependsOn,
    })),
  };
}
