/** `mesh doctor`'s table, and the fix for each failed check. */
import type { CheckResult } from '../../doctor/checks.js';
import { formatTable, type Styles } from '../../io/output.js';

export function renderDoctor(results: readonly CheckResult[], s: Styles): string {
  const table = formatTable(
    ['', 'check', 'result'],
    results.map((r) => [r.status === 'ok' ? 'ok' : r.status === 'skipped' ? 'skip' : 'FAIL', r.name, r.detail]),
  );
  const fixes = results.filter((r) => r.status === 'failed').map((r) => `${s.red('✗')} ${r.name}: ${s.cyan('fix:')} ${r.fix ?? ''}`);
  return [table, ...(fixes.length > 0 ? ['', ...fixes] : [])].join('\n');
}
