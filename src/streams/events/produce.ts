/**
 * `mesh events produce`: JSON lines in, events on the product's topic out. Every line is validated against the
 * event schema first; an invalid line is reported with its line number and nothing is sent (unless skipInvalid,
 * which sends the valid ones). Events are encoded as the port says (Avro binary or JSON) and keyed by the port's
 * key field (so one key stays on one partition, in order).
 */
import { ExitCode, MeshError } from '../../core/errors.js';
import type { Target, Workspace } from '../../workspace/model.js';
import type { ProduceRecord, StreamTransport } from '../transport/index.js';
import { CONTENT_TYPE_HEADER, CONTENT_TYPES, openEventsConnection, productStream, withPublishHint } from './product-stream.js';

export interface ProduceEventsOptions {
  readonly workspace: Workspace;
  readonly target: Target;
  readonly product: string;
  /** JSON lines. */
  readonly text: string;
  /** Where the text came from, for messages (a file name, or `stdin`). */
  readonly source?: string;
  readonly skipInvalid?: boolean;
  /** Validate and encode only; send nothing (`--dry-run`). */
  readonly dryRun?: boolean;
  /** Use this transport instead of opening the mesh's (tests, `mesh dev`). */
  readonly transport?: StreamTransport;
}

export interface InvalidEvent {
  readonly line: number;
  readonly errors: readonly string[];
}

export interface PartitionRangeProduced {
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly count: number;
}

export interface ProduceEventsResult {
  readonly product: string;
  readonly topic: string;
  readonly encoding: 'avro' | 'json';
  readonly sent: number;
  /** With dryRun: the events that would have been sent (valid and encoded). */
  readonly valid?: number;
  readonly dryRun?: boolean;
  readonly invalid: readonly InvalidEvent[];
  readonly partitions: readonly PartitionRangeProduced[];
}

const CHUNK = 1000;
const SHOWN_ERRORS = 10;

/** The key bytes of an event: its key field as text (strings as they are, other values as JSON); null when absent. */
export function eventKey(event: unknown, keyField: string): Buffer | null {
  if (!event || typeof event !== 'object') return null;
  const value = (event as Record<string, unknown>)[keyField];
  if (value === undefined || value === null) return null;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}

export async function produceEvents(options: ProduceEventsOptions): Promise<ProduceEventsResult> {
  const { workspace } = options;
  const { product, port, schema } = await productStream(workspace, options.product);
  const { parseJsonLines } = await import('../schema/index.js');
  const invalid: InvalidEvent[] = [];
  const records: ProduceRecord[] = [];
  const headers = { [CONTENT_TYPE_HEADER]: Buffer.from(CONTENT_TYPES[port.encoding]) };
  for (const entry of parseJsonLines(options.text)) {
    if ('error' in entry) {
      invalid.push({ line: entry.line, errors: [entry.error] });
      continue;
    }
    const check = schema.validate(entry.value);
    if (!check.ok) {
      invalid.push({ line: entry.line, errors: check.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)) });
      continue;
    }
    records.push({ key: eventKey(entry.value, port.keyField), value: schema.encode(entry.value), headers });
  }
  const source = options.source ?? 'the input';
  if (invalid.length > 0 && !options.skipInvalid) {
    const lines = invalid.slice(0, SHOWN_ERRORS).map((i) => `  line ${i.line}: ${i.errors.join('; ')}`);
    const more = invalid.length > SHOWN_ERRORS ? `\n  … and ${invalid.length - SHOWN_ERRORS} more` : '';
    throw new MeshError(
      'EventsInvalid',
      `${invalid.length} of ${invalid.length + records.length} event(s) in ${source} do not match ${schema.name}; nothing was sent:\n${lines.join('\n')}${more}`,
      {
        hint: `Fix them (\`mesh describe ${product.name}\` shows the fields), or pass --skip-invalid to send the valid ones.`,
        exitCode: ExitCode.Usage,
        details: { invalid },
      },
    );
  }

  if (options.dryRun) {
    return {
      product: product.name,
      topic: port.topic,
      encoding: port.encoding,
      sent: 0,
      valid: records.length,
      dryRun: true,
      invalid,
      partitions: [],
    };
  }
  const opened = options.transport ? undefined : await openEventsConnection(workspace, options.target, product);
  const transport = options.transport ?? (opened?.connection.transport as StreamTransport);
  const ranges = new Map<number, PartitionRangeProduced>();
  try {
    for (let i = 0; i < records.length; i += CHUNK) {
      const positions = await transport.produce(port.topic, records.slice(i, i + CHUNK));
      for (const p of positions) {
        const r = ranges.get(p.partition);
        ranges.set(p.partition, {
          partition: p.partition,
          firstOffset: r ? Math.min(r.firstOffset, p.offset) : p.offset,
          lastOffset: r ? Math.max(r.lastOffset, p.offset) : p.offset,
          count: (r?.count ?? 0) + 1,
        });
      }
    }
  } catch (error) {
    throw withPublishHint(error, product);
  } finally {
    if (opened) {
      await opened.connection.transport.close();
      opened.clients?.destroy();
    }
  }
  return {
    product: product.name,
    topic: port.topic,
    encoding: port.encoding,
    sent: records.length,
    invalid,
    partitions: [...ranges.values()].sort((a, b) => a.partition - b.partition),
  };
}

/** One line per partition, for people: `partition 0: offsets 12-40 (29 events)`. */
export function describeProduced(result: ProduceEventsResult): string {
  if (result.dryRun) {
    return `Dry run: ${result.valid ?? 0} event(s) valid for ${result.topic}${result.invalid.length > 0 ? `, ${result.invalid.length} invalid` : ''}; nothing was sent.`;
  }
  const head = `Sent ${result.sent} event(s) to ${result.topic}${result.invalid.length > 0 ? ` (skipped ${result.invalid.length} invalid)` : ''}.`;
  const rows = result.partitions.map((p) => `  partition ${p.partition}: offsets ${p.firstOffset}-${p.lastOffset} (${p.count})`);
  return [head, ...rows].join('\n');
}
