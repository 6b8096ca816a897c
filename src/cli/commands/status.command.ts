import { Command } from 'commander';
import { formatTable } from '../../io/output.js';
import { contextFor } from '../context.js';
import { toolkitFor } from './shared.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('every managed resource, its state, and drift from the files')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { target, drift, resources } = await (await toolkitFor(ctx)).status();
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
