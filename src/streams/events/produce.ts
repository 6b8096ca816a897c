/**
 * `mesh events produce`: JSON lines in, events on the product's topic out. Every line is validated against the
 * event schema first; an invalid line is reported with its line number and nothing is sent (unless skipInvalid,
 * which sends the valid ones). Events are encoded as the port says (Avro binary or JSON), keyed by the port's key
 * field (so one key stays on one partition, in order) and carry an id (see event-lines.ts).
 *
 * Exactly once: the events go in batches, one at a time; after each acknowledged batch the journal records the last
 * acknowledged line (see produce-journal.ts) and onProgress is told. On the embedded log a duplicate id is skipped
 * in the append's transaction, so any re-run stores nothing twice. On Kafka `--resume` continues after the journal's
 * line, and first reads the last batch's worth of records per partition back to skip ids a killed run had sent but
 * not journaled; a plain re-run of a file with a journal is refused there (it would store duplicates).
 */
import type { AwsClients } from '../../aws/clients.js';
import { MeshError } from '../../core/errors.js';
import type { Target, Workspace } from '../../workspace/model.js';
import type { StreamTransport } from '../transport/index.js';
import { type EventLine, type InvalidEvent, readEventLines } from './event-lines.js';
import { fingerprint, type JournalState, ProduceJournal, sameFile } from './produce-journal.js';
import { type PartitionRangeProduced, type ProduceProgress, sendEvents } from './produce-send.js';
import { openEventsConnection, productStream, withPublishHint } from './product-stream.js';

export { eventKey, type InvalidEvent } from './event-lines.js';
export type { PartitionRangeProduced, ProduceProgress } from './produce-send.js';

export interface ProduceEventsOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly product: string;
  /** JSON lines. */
  readonly text: string;
  /** Where the text came from, for messages (a file name, or `stdin`). */
  readonly source?: string;
  /** The file the text was read from: keeps a journal of the last acknowledged line. Absent for stdin. */
  readonly file?: string;
  /** Continue after the last line the journal says was acknowledged. */
  readonly resume?: boolean;
  /** Ignore the journal and send every line again (on Kafka: duplicates). */
  readonly restart?: boolean;
  readonly skipInvalid?: boolean;
  /** Validate and encode only; send nothing (`--dry-run`). */
  readonly dryRun?: boolean;
  /** Use this transport instead of opening the mesh's (tests, `mesh dev`). */
  readonly transport?: StreamTransport;
  /** aws with MSK: the run's AwsClients (made with --profile and --region; the caller destroys them). */
  readonly clients?: AwsClients;
  /** Called after every acknowledged batch. */
  readonly onProgress?: (progress: ProduceProgress) => void;
  /** Things the user should know before the events go (a journal found, ignored, …). */
  readonly onNotice?: (message: string) => void;
}

export interface ProduceEventsResult {
  readonly product: string;
  readonly topic: string;
  readonly encoding: 'avro' | 'json';
  /** Events stored by this run. */
  readonly sent: number;
  /** Events not stored because their id was already on the topic. */
  readonly duplicates: number;
  /** Valid events in the input. */
  readonly total: number;
  /** Events acknowledged so far, counting those a resumed run skipped. */
  readonly acknowledged: number;
  /** The last line whose event, and every one before it, is acknowledged. */
  readonly lastAcknowledgedLine: number;
  /** With resume: the line the previous run had reached. */
  readonly resumedAfterLine?: number;
  /** With dryRun: the events that would have been sent (valid and encoded). */
  readonly valid?: number;
  readonly dryRun?: boolean;
  readonly invalid: readonly InvalidEvent[];
  readonly partitions: readonly PartitionRangeProduced[];
}

const SHOWN_ERRORS = 10;

export async function produceEvents(options: ProduceEventsOptions): Promise<ProduceEventsResult> {
  const { workspace } = options;
  const { product, port, schema } = await productStream(workspace, options.product);
  if (options.resume && options.restart) throw usage('--resume and --restart exclude each other.', 'Pass one of them.');
  if (options.resume && !options.file) throw usage('--resume needs --file: a journal is kept per file, not for stdin.');
  const { events, invalid, lines } = await readEventLines(options.text, port, schema);
  const source = options.source ?? 'the input';
  if (invalid.length > 0 && !options.skipInvalid) {
    const shown = invalid.slice(0, SHOWN_ERRORS).map((i) => `  line ${i.line}: ${i.errors.join('; ')}`);
    const more = invalid.length > SHOWN_ERRORS ? `\n  … and ${invalid.length - SHOWN_ERRORS} more` : '';
    throw new MeshError(
      'EventsInvalid',
      `${invalid.length} of ${invalid.length + events.length} event(s) in ${source} do not match ${schema.name}; nothing was sent:\n${shown.join('\n')}${more}`,
      {
        hint: `Fix them (\`mesh describe ${product.name}\` shows the fields), or pass --skip-invalid to send the valid ones.`,
        details: { invalid },
      },
    );
  }
  const base = { product: product.name, topic: port.topic, encoding: port.encoding, total: events.length, invalid };
  if (options.dryRun) {
    return {
      ...base,
      sent: 0,
      duplicates: 0,
      acknowledged: 0,
      lastAcknowledgedLine: 0,
      valid: events.length,
      dryRun: true,
      partitions: [],
    };
  }

  const opened = options.transport ? undefined : await openEventsConnection(workspace, options.target, product, options.clients);
  const transport = options.transport ?? (opened?.connection.transport as StreamTransport);
  try {
    const journal = options.file ? new ProduceJournal(workspace.root, port.topic, options.file) : undefined;
    const print = journal && options.file ? fingerprint(options.file, options.text) : undefined;
    const previous = journal?.read();
    const usable = previous && print && previous.transport === transport.kind && sameFile(previous, print) ? previous : undefined;
    const skipThrough = startLine(options, transport.kind, usable, previous, product.name);
    const pending = events.filter((e) => e.line > skipThrough);
    const resumedCount = events.length - pending.length;
    const alreadyStored =
      options.resume && transport.kind === 'kafka' && skipThrough > 0 ? await recentIds(transport, port.topic, pending) : new Set<string>();
    let lastLine = skipThrough;
    const outcome = await sendEvents({
      transport,
      topic: port.topic,
      events: pending,
      alreadyStored,
      total: events.length,
      acknowledgedBefore: resumedCount,
      lastLineBefore: skipThrough,
      onBatch: (progress) => {
        lastLine = progress.line;
        if (journal && print) {
          const complete = progress.acknowledged === events.length;
          journal.write({
            ...print,
            transport: transport.kind,
            lastLine: complete ? lines : progress.line,
            acknowledged: progress.acknowledged,
            complete,
          });
        }
        options.onProgress?.(progress);
      },
      describeFailure: (acknowledged, line) =>
        `${acknowledged} of ${events.length} event(s) of ${source} are acknowledged, through line ${line}` +
        (options.file ? '; run it again with --resume to send the rest.' : `; send the lines after line ${line} again.`),
    }).catch((error: unknown) => {
      throw withPublishHint(error, product);
    });
    if (journal && print && pending.length === 0) {
      journal.write({ ...print, transport: transport.kind, lastLine: lines, acknowledged: events.length, complete: true });
    }
    return {
      ...base,
      sent: outcome.sent,
      duplicates: outcome.duplicates,
      acknowledged: resumedCount + outcome.sent + outcome.duplicates,
      lastAcknowledgedLine: pending.length === 0 ? Math.max(skipThrough, lastLine) : lastLine,
      ...(options.resume ? { resumedAfterLine: skipThrough } : {}),
      partitions: outcome.partitions,
    };
  } finally {
    if (opened) {
      await opened.connection.transport.close();
    }
  }
}

/** The line after which this run starts: the journal's with --resume; 0 otherwise (or a refusal on Kafka). */
function startLine(
  options: ProduceEventsOptions,
  kind: 'embedded' | 'kafka',
  usable: JournalState | undefined,
  previous: JournalState | undefined,
  product: string,
): number {
  const command = `mesh events produce ${product} --file ${options.source ?? options.file}`;
  if (options.resume) {
    if (usable) return usable.lastLine;
    if (previous && previous.transport === kind) {
      throw new MeshError(
        'ProduceJournalStale',
        `${options.source} changed since the previous run (its size, time or first bytes differ), so it cannot be resumed.`,
        {
          hint: `Send it all again with --restart${kind === 'embedded' ? ' (the log skips the events it already holds)' : ' (Kafka stores the events sent before again)'}.`,
        },
      );
    }
    options.onNotice?.(`No previous run of ${options.source} on this topic to resume: sending every line.`);
    return 0;
  }
  if (!usable || options.restart || usable.lastLine === 0) return 0;
  const where = usable.complete ? `sent all of it (${usable.acknowledged} event(s))` : `stopped at line ${usable.lastLine}`;
  if (kind === 'kafka') {
    throw new MeshError(
      'ProduceAlreadyStarted',
      `A previous run of ${options.source} ${where}; sending it again would store its events twice on Kafka.`,
      {
        hint: `Pass --resume to continue after line ${usable.lastLine}, or --restart to send every line again: ${command} --resume`,
        details: { lastAcknowledgedLine: usable.lastLine, acknowledged: usable.acknowledged, complete: usable.complete },
      },
    );
  }
  options.onNotice?.(
    usable.complete
      ? `A previous run of ${options.source} ${where}; the log skips the events it already holds.`
      : `A previous run of ${options.source} stopped at line ${usable.lastLine}; pass --resume to continue from there. Sending every line: the log skips the events it already holds.`,
  );
  return 0;
}

/**
 * The ids among `pending` already on the topic, in the last records of each partition: a killed run may have had a
 * batch acknowledged by Kafka but not yet written to its journal. One batch is at most SEND_BATCH records.
 */
async function recentIds(transport: StreamTransport, topic: string, pending: readonly EventLine[]): Promise<Set<string>> {
  const { SEND_BATCH } = await import('./produce-send.js');
  const { EVENT_ID_HEADER } = await import('./event-lines.js');
  const wanted = new Set(pending.slice(0, SEND_BATCH * 2).map((e) => e.id));
  const found = new Set<string>();
  for await (const record of transport.tail({ topic, from: 'beginning', lastPerPartition: SEND_BATCH, stopAtEnd: true })) {
    const id = record.headers[EVENT_ID_HEADER]?.toString('utf8');
    if (id !== undefined && wanted.has(id)) found.add(id);
  }
  return found;
}

function usage(message: string, hint?: string): MeshError {
  return new MeshError('UsageError', message, { hint });
}
