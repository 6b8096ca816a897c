import { Command } from 'commander';
import { MeshError } from '../../core/errors.js';
import { formatTable } from '../../io/output.js';
import { contextFor } from '../context.js';
import { loadWorkspaceFor } from './shared.js';

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('preflight checks for the target, with the fix for each failure')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { workspace, target } = await loadWorkspaceFor(ctx);
      const { runDoctor } = await import('../../doctor/checks.js');
      const results = await runDoctor(workspace, target, { profile: ctx.globals.profile, region: ctx.globals.region });
      const s = ctx.output.style;
      ctx.output.result({ target, checks: results }, () => {
        const table = formatTable(
          ['', 'check', 'result'],
          results.map((r) => [r.status === 'ok' ? 'ok' : r.status === 'skipped' ? 'skip' : 'FAIL', r.name, r.detail]),
        );
        const fixes = results.filter((r) => r.status === 'failed').map((r) => `${s.red('✗')} ${r.name}: ${s.cyan('fix:')} ${r.fix ?? ''}`);
        return [table, ...(fixes.length > 0 ? ['', ...fixes] : [])].join('\n');
      });
      const failed = results.filter((r) => r.status === 'failed');
      const skipped = results.filter((r) => r.status === 'skipped').length;
      if (failed.length > 0) {
        throw new MeshError(
          'DoctorFailed',
          `${failed.length} of ${results.length} check(s) failed: ${failed.map((f) => f.name).join(', ')}${skipped > 0 ? ` (${skipped} skipped: no credentials)` : ''}.`,
          {
            hint: failed[0]?.fix,
            details: { checks: results },
          },
        );
      }
    });
}
