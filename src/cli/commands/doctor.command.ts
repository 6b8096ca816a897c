import { Command } from 'commander';
import { MeshError } from '../../core/errors.js';
import { contextFor } from '../context.js';
import { renderDoctor } from '../render/doctor.js';
import { toolkitFor } from './shared.js';

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('preflight checks for the target, with the fix for each failure')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { target, checks } = await (await toolkitFor(ctx)).doctor();
      ctx.output.result({ target, checks }, () => renderDoctor(checks, ctx.output.style));
      const failed = checks.filter((r) => r.status === 'failed');
      const skipped = checks.filter((r) => r.status === 'skipped').length;
      if (failed.length > 0) {
        throw new MeshError(
          'DoctorFailed',
          `${failed.length} of ${checks.length} check(s) failed: ${failed.map((f) => f.name).join(', ')}${skipped > 0 ? ` (${skipped} skipped: no credentials)` : ''}.`,
          { hint: failed[0]?.fix, details: { checks } },
        );
      }
    });
}
