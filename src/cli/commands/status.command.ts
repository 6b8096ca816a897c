import { Command } from 'commander';
import type { Change } from '../../engine/plan.js';
import { formatTable } from '../../io/output.js';
import { contextFor } from '../context.js';
import { planWorkspace } from './shared.js';

const STATE: Record<Change['action'], string> = {
  noop: 'in sync',
  create: 'missing',
  grant: 'not granted',
  update: 'drifted',
  replace: 'drifted (replace)',
  revoke: 'extra grant',
  delete: 'extra',
};

export function statusCommand(): Command {
  return new Command('status')
    .description('every managed resource, its state, and drift from the files')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { workspace, target, plan } = await planWorkspace(ctx);
      const { openState } = await import('../../engine/run.js');
      const ledger = openState(workspace, target);
      const resources = plan.changes.map((c) => ({
        key: c.key,
        plane: c.ref.plane,
        type: c.ref.type,
        resource: c.ref.label ?? c.ref.id,
        account: c.ref.account,
        state: STATE[c.action],
        reason: c.action === 'noop' ? undefined : c.reason,
        recorded: ledger.get(c.key)?.at,
        attributes: ledger.get(c.key)?.attributes ?? c.attributes,
      }));
      const drift = resources.filter((r) => r.state !== 'in sync').length;
      ctx.output.result({ target, drift, resources }, () =>
        [
          formatTable(
            ['state', 'type', 'resource', 'detail'],
            resources.map((r) => [r.state, r.type, r.resource, r.reason ?? (r.recorded ? `recorded ${r.recorded}` : '')]),
          ),
          '',
          drift === 0
            ? `${resources.length} resource(s), all in sync with the files.`
            : `${drift} of ${resources.length} resource(s) differ from the files: run \`mesh plan\`.`,
        ].join('\n'),
      );
    });
}
