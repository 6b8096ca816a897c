import { Command } from 'commander';
import { ExitCode, MeshError } from '../../core/errors.js';
import type { Styles } from '../../io/output.js';
import type { Problem } from '../../workspace/problems.js';
import { contextFor } from '../context.js';

function renderProblems(problems: readonly Problem[], style: Styles): string {
  const lines: string[] = [];
  for (const p of problems) {
    const code = p.severity === 'error' ? style.red(p.code) : style.yellow(`${p.code} (warning)`);
    lines.push(`${style.bold(`${p.file}:${p.line}:${p.column}`)}  ${code}  ${style.dim(p.path || '-')}  ${p.message}`);
    if (p.hint) lines.push(`    ${style.cyan('hint:')} ${p.hint}`);
  }
  return lines.join('\n');
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('check mesh.yaml, every domain file, product contract and event schema; all problems at once')
    .addHelpText('after', '\nExit code 0 when there are no errors (warnings allowed), 2 when there are.')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { findWorkspaceRoot, validateWorkspace, workspaceNotFound } = await import('../../workspace/load.js');
      const root = await findWorkspaceRoot(ctx.globals.cwd);
      if (!root) throw workspaceNotFound(ctx.globals.cwd);
      const { workspace, problems } = await validateWorkspace(root, { target: ctx.globals.target });
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      if (!workspace) {
        // Human: the list on stdout, then the error on stderr. JSON: one document, the error with the problems in it.
        if (!ctx.output.json) ctx.output.result(undefined, renderProblems(problems, ctx.output.style));
        throw new MeshError(
          'ConfigInvalid',
          `${count(errors, 'error')}${warnings > 0 ? ` and ${count(warnings, 'warning')}` : ''} in the workspace.`,
          {
            hint: 'Fix the errors above and run `mesh validate` again.',
            exitCode: ExitCode.Usage,
            details: { root, problems },
          },
        );
      }
      const summary = {
        domains: workspace.domains.length,
        products: workspace.products.length,
        subscriptions: workspace.domains.reduce((n, d) => n + d.subscriptions.length, 0),
      };
      ctx.output.result({ ok: true, root, summary, problems }, () => {
        const head = `Workspace is valid: ${count(summary.domains, 'domain')}, ${count(summary.products, 'product')}, ${count(summary.subscriptions, 'subscription')}${warnings > 0 ? `, ${count(warnings, 'warning')}` : ''}.`;
        return problems.length > 0 ? `${renderProblems(problems, ctx.output.style)}\n${head}` : head;
      });
    });
}
