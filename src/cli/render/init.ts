/** What `mesh init` made, updated or left alone, and what to run next. */
import type { InitResult } from '../../scaffold/init.js';

export function renderInit(result: InitResult): string {
  const lines = [
    `${result.dryRun ? 'Would create' : 'Created'} ${result.created.length} file${result.created.length === 1 ? '' : 's'} in ${result.root}${result.dryRun ? ' (dry run: nothing written)' : ''}:`,
    ...result.created.map((f) => `  ${f}`),
  ];
  if (result.overwritten.length > 0)
    lines.push(`${result.dryRun ? 'Would overwrite' : 'Overwrote'} (--force):`, ...result.overwritten.map((f) => `  ${f}`));
  if (result.edited.length > 0) lines.push(`${result.dryRun ? 'Would update' : 'Updated'}: ${result.edited.join(', ')}`);
  if (result.unchanged && result.unchanged.length > 0) lines.push(`Already up to date: ${result.unchanged.join(', ')}`);
  if (result.warnings && result.warnings.length > 0) lines.push('To do by hand:', ...result.warnings.map((w) => `  ${w}`));
  lines.push('Next:', ...result.next.map((c) => `  ${c}`));
  return lines.join('\n');
}
