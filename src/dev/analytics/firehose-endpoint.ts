/**
 * A local Amazon Data Firehose endpoint, enough for the analytics ingestor: PutRecordBatch and PutRecord in the
 * JSON 1.1 protocol the SDK's FirehoseClient speaks (POST, `X-Amz-Target: Firehose_20150804.<Operation>`,
 * `application/x-amz-json-1.1`, record `Data` as base64). Signatures are not checked.
 *
 * Records are play lines (see analytics-store.ts) and go straight into the analytics store. A record that is not
 * a play line gets a per-record `InvalidArgumentException` in `RequestResponses` (counted in FailedPutCount), so
 * the sender sees it and reports it, instead of it vanishing.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { BodyTooLargeError, lingerAfterResponse, MAX_FIREHOSE_BODY_BYTES, readLimitedBody } from '../http/body.js';
import type { AnalyticsStore, PlayRecord } from './analytics-store.js';

const TARGET_PREFIX = 'Firehose_20150804.';
const JSON_11 = 'application/x-amz-json-1.1';
/** Firehose limits: 500 records per batch, 1,000 KiB per record (the body limit is MAX_FIREHOSE_BODY_BYTES). */
const MAX_BATCH_RECORDS = 500;
const MAX_RECORD_BYTES = 1_000 * 1024;

export interface FirehoseEndpointOptions {
  readonly store: AnalyticsStore;
  /** Delivery stream names this endpoint accepts (the analytics domain's firehoseStream); empty or absent: any. */
  readonly streams?: readonly string[];
}

const playLine = z.object({
  event_id: z.string().min(1),
  item_id: z.string().min(1),
  content_type: z.enum(['song', 'podcast']),
  minute: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/),
  timestamp: z.number().int().nonnegative(),
});

const recordInput = z.object({ Data: z.string() });
/** DeliveryStreamName as Firehose's model defines it: 1 to 64 of `[a-zA-Z0-9_.-]`. */
const streamName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9_.-]+$/);
const putRecordBatchInput = z.object({ DeliveryStreamName: streamName, Records: z.array(recordInput) });
const putRecordInput = z.object({ DeliveryStreamName: streamName, Record: recordInput });

class FirehoseApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type RecordResult = { readonly RecordId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

function recordId(): string {
  return randomBytes(28).toString('hex');
}

/** Decodes one record's Data into its play lines, or says why it cannot. */
function playsOf(data: string): PlayRecord[] | string {
  const bytes = Buffer.from(data, 'base64');
  if (bytes.byteLength === 0) return 'The record is empty.';
  if (bytes.byteLength > MAX_RECORD_BYTES) return `The record is ${bytes.byteLength} bytes; the limit is ${MAX_RECORD_BYTES}.`;
  const plays: PlayRecord[] = [];
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return `Not a JSON line: ${line.slice(0, 80)}`;
    }
    const play = playLine.safeParse(parsed);
    if (!play.success)
      return `Not a play record (${play.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}).`;
    plays.push(play.data);
  }
  return plays.length > 0 ? plays : 'The record has no play line.';
}

function putRecords(options: FirehoseEndpointOptions, streamName: string, records: readonly { Data: string }[]): RecordResult[] {
  if (options.streams && options.streams.length > 0 && !options.streams.includes(streamName)) {
    throw new FirehoseApiError(
      'ResourceNotFoundException',
      `Firehose ${streamName} under the local account is not found (known: ${options.streams.join(', ')}).`,
    );
  }
  const results: RecordResult[] = [];
  const accepted: PlayRecord[] = [];
  for (const record of records) {
    const plays = playsOf(record.Data);
    if (typeof plays === 'string') results.push({ ErrorCode: 'InvalidArgumentException', ErrorMessage: plays });
    else {
      accepted.push(...plays);
      results.push({ RecordId: recordId() });
    }
  }
  options.store.addPlays(accepted);
  return results;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': recordId().slice(0, 32),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function validationError(operation: string, error: z.ZodError): FirehoseApiError {
  return new FirehoseApiError(
    'InvalidArgumentException',
    `${operation}: ${error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
  );
}

/** Serves one Firehose API request (any path). Answers every request; never throws. */
export async function handleFirehoseRequest(req: IncomingMessage, res: ServerResponse, options: FirehoseEndpointOptions): Promise<void> {
  try {
    if (req.method !== 'POST') throw new FirehoseApiError('UnknownOperationException', 'Firehose requests are POSTs.', 405);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX))
      throw new FirehoseApiError('UnknownOperationException', `Not a Firehose request (X-Amz-Target "${target}").`);
    const operation = target.slice(TARGET_PREFIX.length);
    const body = await readLimitedBody(req, MAX_FIREHOSE_BODY_BYTES);
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      throw new FirehoseApiError('SerializationException', 'The request body is not JSON.');
    }
    switch (operation) {
      case 'PutRecordBatch': {
        const parsed = putRecordBatchInput.safeParse(input);
        if (!parsed.success) throw validationError(operation, parsed.error);
        const { DeliveryStreamName, Records } = parsed.data;
        if (Records.length === 0 || Records.length > MAX_BATCH_RECORDS) {
          throw new FirehoseApiError(
            'InvalidArgumentException',
            `Records must hold 1 to ${MAX_BATCH_RECORDS} records, not ${Records.length}.`,
          );
        }
        const results = putRecords(options, DeliveryStreamName, Records);
        send(res, 200, { FailedPutCount: results.filter((r) => 'ErrorCode' in r).length, Encrypted: false, RequestResponses: results });
        return;
      }
      case 'PutRecord': {
        const parsed = putRecordInput.safeParse(input);
        if (!parsed.success) throw validationError(operation, parsed.error);
        const [result] = putRecords(options, parsed.data.DeliveryStreamName, [parsed.data.Record]);
        if (!result || 'ErrorCode' in result)
          throw new FirehoseApiError('InvalidArgumentException', result?.ErrorMessage ?? 'The record was not accepted.');
        send(res, 200, { RecordId: result.RecordId, Encrypted: false });
        return;
      }
      default:
        throw new FirehoseApiError(
          'UnknownOperationException',
          `The local Firehose serves PutRecordBatch and PutRecord, not ${operation}.`,
        );
    }
  } catch (error) {
    if (!req.complete) lingerAfterResponse(req, res);
    if (res.headersSent) return;
    if (error instanceof BodyTooLargeError)
      send(res, 413, { __type: 'InvalidArgumentException', message: error.message }, 'InvalidArgumentException');
    else if (error instanceof FirehoseApiError) send(res, error.status, { __type: error.type, message: error.message }, error.type);
    else
      send(
        res,
        500,
        { __type: 'ServiceUnavailableException', message: error instanceof Error ? error.message : String(error) },
        'ServiceUnavailableException',
      );
  }
}
