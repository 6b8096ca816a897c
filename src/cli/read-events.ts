/** The text `mesh events produce` sends: a file, or stdin when piped; an empty input is an error naming where. */
import { readFile } from 'node:fs/promises';
import { MeshError, usageError } from '../core/errors.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw usageError('No events given.', 'Pass --file events.jsonl, or pipe JSON lines into mesh events produce.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readEventsText(file: string | undefined): Promise<string> {
  const text = file ? await readFile(file, 'utf8') : await readStdin();
  if (!/\S/.test(text)) {
    throw new MeshError('NoEvents', `No events in ${file ?? 'stdin'}: it is empty.`, {
      hint: 'Give one JSON event per line (see the example: domains/interactions/data/u0042-podcast-listens.jsonl).',
    });
  }
  return text;
}
