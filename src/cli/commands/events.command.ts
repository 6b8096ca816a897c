import path from 'node:path';
import { Command } from 'commander';
import { contextFor } from '../context.js';
import { readEventsText } from '../read-events.js';
import { tailCommand } from './events-tail.command.js';
import { toolkitFor } from './shared.js';

type ProduceFlags = { file?: string; resume?: boolean; restart?: boolean; skipInvalid?: boolean; dryRun?: boolean };

function produceCommand(): Command {
  return new Command('produce')
    .description("validate JSON-lines events against the product's schema and send them to its topic")
    .argument('<product>', 'the product whose stream gets the events')
    .option('-f, --file <path>', 'JSON lines (one event per line); default: stdin')
    .option('--resume', 'continue after the last line a previous run of this file had acknowledged')
    .option('--restart', "ignore a previous run's journal and send every line again")
    .option('--skip-invalid', 'send the valid events even when some lines are invalid')
    .option('--dry-run', 'validate and encode the events; send nothing')
    .action(async (product: string, opts: ProduceFlags, command: Command) => {
      const ctx = contextFor(command);
      const toolkit = await toolkitFor(ctx);
      await toolkit.workspace();
      const text = await readEventsText(opts.file);
      const { describeProduced } = await import('../render/events.js');
      const progress = (await import('../render/produce-progress.js')).progressReporter(ctx.output, product);
      try {
        const input = { ...opts, ...(opts.file ? { file: path.resolve(opts.file) } : {}), product, text, source: opts.file ?? 'stdin' };
        const result = await toolkit.produceEvents({ ...input, onProgress: progress.onProgress, onNotice: (m) => ctx.output.warn(m) });
        progress.stop();
        for (const bad of result.invalid) ctx.output.warn(`skipped line ${bad.line}: ${bad.errors.join('; ')}`);
        ctx.output.result(result, () => describeProduced(result));
      } finally {
        progress.stop();
      }
    });
}

export function eventsCommand(): Command {
  return new Command('events')
    .description("put and read events on a product's stream, validated against its schema")
    .addCommand(produceCommand().exitOverride())
    .addCommand(tailCommand().exitOverride());
}
