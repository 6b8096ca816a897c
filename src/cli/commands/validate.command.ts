import { Command } from 'commander';
import { MeshError } from '../../core/errors.js';
import { contextFor } from '../context.js';
import { count, renderProblems } from '../render/problems.js';
import { toolkitFor } from './shared.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('check mesh.yaml, every domain file, product contract and event schema; all problems at once')
    .addHelpText('after', '\nExit code 0 when there are no errors (warnings allowed), 2 when there are.')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { root, workspace, problems } = await (await toolkitFor(ctx)).validate();
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      const warned = warnings > 0 ? ` and ${count(warnings, 'warning')}` : '';
      if (!workspace) {
        // Human: the list on stdout, then the error on stderr. JSON: one document, the error with the problems in it.
        if (!ctx.output.json) ctx.output.result(undefined, renderProblems(problems, ctx.output.style));
        throw new MeshError('ConfigInvalid', `${count(errors, 'error')}${warned} in the workspace.`, {
          hint: 'Fix the errors above and run `mesh validate` again.',
          details: { root, problems },
        });
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
