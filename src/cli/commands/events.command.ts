import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { ExitCode, MeshError, usageError } from '../../core/errors.js';
import { contextFor, requestExitCode } from '../context.js';
import { loadWorkspaceFor } from './shared.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`"${value}" is not a positive whole number.`);
  return n;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw usageError('No events given.', 'Pass --file events.jsonl, or pipe JSON lines into mesh events produce.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

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
      const { workspace, target } = await loadWorkspaceFor(ctx);
      const text = opts.file ? await readFile(opts.file, 'utf8') : await readStdin();
      if (!/\S/.test(text)) {
        throw new MeshError('NoEvents', `No events in ${opts.file ?? 'stdin'}: it is empty.`, {
          hint: 'Give one JSON event per line (see the example: domains/interactions/data/u0042-podcast-listens.jsonl).',
          exitCode: ExitCode.Usage,
        });
      }
      const { produceEvents, describeProduced } = await import('../../streams/events/produce.js');
      const { progressReporter } = await import('../../streams/events/produce-progress.js');
      const progress = progressReporter(ctx.output, product);
      try {
        const result = await produceEvents({
          workspace,
          target,
          product,
          text,
          source: opts.file ?? 'stdin',
          ...(opts.file ? { file: path.resolve(opts.file) } : {}),
          resume: opts.resume,
          restart: opts.restart,
          skipInvalid: opts.skipInvalid,
          dryRun: opts.dryRun,
          onProgress: progress.onProgress,
          onNotice: (message) => ctx.output.warn(message),
        });
        progress.stop();
        for (const bad of result.invalid) ctx.output.warn(`skipped line ${bad.line}: ${bad.errors.join('; ')}`);
        ctx.output.result(result, () => describeProduced(result));
      } finally {
        progress.stop();
      }
    });
}

interface ProduceFlags {
  file?: string;
  resume?: boolean;
  restart?: boolean;
  skipInvalid?: boolean;
  dryRun?: boolean;
}

function tailCommand(): Command {
  return new Command('tail')
    .description("print a product's events, decoded (one JSON object per line with --json)")
    .argument('<product>', 'the product whose stream to read')
    .option('--from-beginning', 'start at the oldest event still kept (default: only new events)')
    .option('--group <group>', 'read as this consumer group and commit what was printed (resumes next time)')
    .option('-c, --count <n>', 'stop after n events', positiveInt)
    .option('-e, --exit', 'stop at the end of the stream (as of the start)')
    .action(
      async (product: string, opts: { fromBeginning?: boolean; group?: string; count?: number; exit?: boolean }, command: Command) => {
        const ctx = contextFor(command);
        const { workspace, target } = await loadWorkspaceFor(ctx);
        const { tailEvents, formatTailedEvent } = await import('../../streams/events/tail.js');
        const out = ctx.output;
        out.streamLines?.();
        let count = 0;
        for await (const event of tailEvents({
          workspace,
          target,
          product,
          fromBeginning: opts.fromBeginning,
          group: opts.group,
          maxEvents: opts.count,
          stopAtEnd: opts.exit,
          signal: ctx.signal,
        })) {
          out.line(out.json ? JSON.stringify(event) : formatTailedEvent(event, out.style));
          count += 1;
        }
        out.info(out.style.dim(`${count} event(s)${ctx.signal.aborted ? ', stopped' : ''}.`));
        if (ctx.signal.aborted) requestExitCode(ExitCode.Interrupted);
      },
    );
}

export function eventsCommand(): Command {
  return new Command('events')
    .description("put and read events on a product's stream, validated against its schema")
    .addCommand(produceCommand().exitOverride())
    .addCommand(tailCommand().exitOverride());
}
