import { Command } from 'commander';
import { ExitCode, usageError } from '../../core/errors.js';
import { contextFor, requestExitCode } from '../context.js';
import { toolkitFor } from './shared.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`"${value}" is not a positive whole number.`);
  return n;
}

type TailFlags = { fromBeginning?: boolean; group?: string; count?: number; exit?: boolean };

/** `mesh events tail <product>`: the product's events, decoded (NDJSON with --json). */
export function tailCommand(): Command {
  return new Command('tail')
    .description("print a product's events, decoded (one JSON object per line with --json)")
    .argument('<product>', 'the product whose stream to read')
    .option('--from-beginning', 'start at the oldest event still kept (default: only new events)')
    .option('--group <group>', 'read as this consumer group and commit what was printed (resumes next time)')
    .option('-c, --count <n>', 'stop after n events', positiveInt)
    .option('-e, --exit', 'stop at the end of the stream (as of the start)')
    .action(async (product: string, opts: TailFlags, command: Command) => {
      const ctx = contextFor(command);
      const toolkit = await toolkitFor(ctx);
      const { formatTailedEvent } = await import('../render/events.js');
      const out = ctx.output;
      out.streamLines?.();
      let count = 0;
      const tail = { product, fromBeginning: opts.fromBeginning, group: opts.group, maxEvents: opts.count, stopAtEnd: opts.exit };
      for await (const event of toolkit.tailEvents(tail)) {
        out.line(out.json ? JSON.stringify(event) : formatTailedEvent(event, out.style));
        count += 1;
      }
      out.info(out.style.dim(`${count} event(s)${ctx.signal.aborted ? ', stopped' : ''}.`));
      if (ctx.signal.aborted) requestExitCode(ExitCode.Interrupted);
    });
}
