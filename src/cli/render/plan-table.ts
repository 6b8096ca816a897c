import type { Plan } from '../../engine/plan.js';
import { terminalWidth } from '../../io/env.js';
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
  const width = terminalWidth();
  const table = rows.length > 0 ? formatTable(['action', 'type', 'resource', 'why'], rows) : 'No changes. Everything is up to date.';
  const fits = table.split('\n').every((line) => line.length <= width);
  const lines = fits
    ? table
        .split('\n')
        .map((line, i) => (i === 0 && rows.length > 0 ? s.bold(line) : i > 0 ? colour(shown[i - 1]?.action ?? '')(line) : line))
    : // too wide for the terminal: one block per change, the reason on its own indented lines (as terraform does)
      [
        s.bold('action    type  resource'),
        s.bold('            why'),
        ...rows.flatMap((row, i) => {
          const paint = colour(shown[i]?.action ?? '');
          const [action = '', type = '', resource = '', why = ''] = row;
          return [
            ...wrap(`${action.padEnd(9)} ${type}  ${resource}`, width, '            '),
            ...wrap(why, width, '            ', '            '),
          ].map(paint);
        }),
      ];
  const sum = plan.summary;
  lines.push(
    '',
    ...wrap(
      `Plan: ${sum.create} to create, ${sum.update} to update, ${sum.replace} to replace, ${sum.grant} to grant, ${sum.revoke} to revoke, ${sum.delete} to delete, ${sum.noop} unchanged.`,
      width,
      '      ',
    ),
  );
  return lines.join('\n');
}

/**
 * Splits text into lines of at most `width` characters at spaces; a word longer than a line is broken after its
 * commas (column lists), and only a word without commas may overflow.
 */
export function wrap(text: string, width: number, indent: string, first = ''): string[] {
  const room = width - indent.length;
  const tokens = text
    .split(' ')
    .flatMap((word) =>
      word.length <= room ? [{ text: word, space: true }] : word.split(/(?<=,)/).map((part, i) => ({ text: part, space: i === 0 })),
    );
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const token of tokens) {
    const joined = empty ? token.text : `${line}${token.space ? ' ' : ''}${token.text}`;
    if (!empty && joined.length > width) {
      lines.push(line);
      line = indent + token.text;
    } else {
      line = empty ? `${line}${token.text}` : joined;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
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
