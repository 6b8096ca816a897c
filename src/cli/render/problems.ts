/** Workspace problems as `mesh validate` lists them: file:line:column, code, path, message, hint. */
import type { Styles } from '../../io/output.js';
import type { Problem } from '../../workspace/problems.js';

export function renderProblems(problems: readonly Problem[], style: Styles): string {
  const lines: string[] = [];
  for (const p of problems) {
    const code = p.severity === 'error' ? style.red(p.code) : style.yellow(`${p.code} (warning)`);
    lines.push(`${style.bold(`${p.file}:${p.line}:${p.column}`)}  ${code}  ${style.dim(p.path || '-')}  ${p.message}`);
    if (p.hint) lines.push(`    ${style.cyan('hint:')} ${p.hint}`);
  }
  return lines.join('\n');
}

export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
