/**
 * The running example on the local target, set up through the CLI in this process (`main(argv)`, as `mesh` runs),
 * plus what the end-to-end tests need around a `startDev()` session: the consumer groups' offsets,
 * and a one-time failure injected into a handler after it has done its work.
 */
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { FunctionRunnerStats } from '../../src/streams/local-runner/runner.js';
import type { StreamTransport } from '../../src/streams/transport/index.js';
import { runInProcess } from '../cli/run-cli.js';

/** `mesh <args> -C <root> --json --yes` in this process; the JSON document, or an error with what mesh printed. */
export async function mesh(root: string, ...args: string[]): Promise<Record<string, unknown>> {
  const run = await runInProcess([...args, '-C', root, '--json', '--yes']);
  if (run.code !== 0) throw new Error(`mesh ${args.join(' ')} exited with ${run.code}\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

export interface SetupTimings {
  readonly steps: { readonly step: string; readonly ms: number }[];
}

/**
 * init --example music-streaming, publish-product, the subscriptions, and (with personalize) train + deploy: the
 * README's first command up to `mesh dev`.
 */
export async function setUpExample(root: string, options: { personalize: boolean }): Promise<SetupTimings> {
  const steps: { step: string; ms: number }[] = [];
  const step = async (args: string[]) => {
    const started = performance.now();
    await mesh(root, ...args);
    steps.push({ step: args.slice(0, 2).join(' '), ms: Math.round(performance.now() - started) });
  };
  await step(['init', '--example', 'music-streaming']);
  await step(['publish-product']);
  if (options.personalize) {
    for (const product of ['users', 'songs', 'podcasts', 'interactions']) await step(['subscribe', product, '--domain', 'recommendations']);
  }
  await step(['subscribe', 'interactions', '--domain', 'analytics', '--stream']);
  if (options.personalize) {
    await step(['personalize', 'train', '--domain', 'recommendations']);
    await step(['personalize', 'deploy', '--domain', 'recommendations']);
  }
  return { steps };
}

/** Event ids starting with this make a wrapped handler fail once (see injectFailOnce). */
export const FAIL_ONCE_PREFIX = 'fail-once-';

/**
 * Fault injection in the temp workspace: the subscription of `domain` to `product` runs `fail-once.handler`, which
 * calls the real handler (the example's own, unchanged) and then, the first time a batch holds an event whose id
 * starts with FAIL_ONCE_PREFIX, throws: the work is done but the invocation fails, so the runner commits nothing
 * and delivers the same records again. A marker file keeps it to once, even across process restarts.
 */
export async function injectFailOnce(root: string, domain: string, product: string, fn: string): Promise<string> {
  const marker = path.join(root, `.failed-once-${fn}`);
  const handlerDir = path.join(root, 'domains', domain, 'handlers', fn);
  writeFileSync(
    path.join(handlerDir, 'fail-once.ts'),
    `import { existsSync, writeFileSync } from 'node:fs';
import { handler as exampleHandler } from './index';

const MARKER = ${JSON.stringify(marker)};

function eventIds(event: { records: Record<string, { value: string }[]> }): string[] {
  return Object.values(event.records)
    .flat()
    .map((r) => JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')).event_id as string);
}

export const handler = async (event: Parameters<typeof exampleHandler>[0], context: Parameters<typeof exampleHandler>[1]) => {
  const result = await exampleHandler(event, context);
  const ids = eventIds(event as unknown as { records: Record<string, { value: string }[]> });
  if (!existsSync(MARKER) && ids.some((id) => id.startsWith(${JSON.stringify(FAIL_ONCE_PREFIX)}))) {
    writeFileSync(MARKER, ids.join('\\n'));
    throw new Error('injected: the handler failed after doing its work');
  }
  return result;
};
`,
  );
  const file = path.join(root, 'domains', domain, 'domain.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  const subscriptions = doc.toJS().subscriptions as { product: string }[];
  const index = subscriptions.findIndex((s) => s.product === product);
  if (index < 0) throw new Error(`${domain} does not subscribe to ${product}`);
  doc.setIn(['subscriptions', index, 'stream', 'handler'], 'fail-once.handler');
  await writeFile(file, doc.toString());
  return marker;
}

export interface GroupPosition {
  readonly group: string;
  readonly topic: string;
  readonly committed: number;
  readonly end: number;
  /** Every partition with records has the group's commit at its end offset. */
  readonly done: boolean;
}

/** Where each consumer group of the session stands on its topic, against the topic's end offsets. */
export async function groupPositions(transport: StreamTransport, stats: FunctionRunnerStats): Promise<GroupPosition[]> {
  const out: GroupPosition[] = [];
  for (const s of stats.subscriptions) {
    const ends = await transport.endOffsets(s.topic);
    const committed = new Map((await transport.committedOffsets(s.group, s.topic)).map((c) => [c.partition, c.offset]));
    let done = true;
    let sumCommitted = 0;
    let sumEnd = 0;
    for (const p of ends) {
      const c = committed.get(p.partition) ?? p.start;
      sumCommitted += c;
      sumEnd += p.end;
      if (c !== p.end) done = false;
    }
    out.push({ group: s.group, topic: s.topic, committed: sumCommitted, end: sumEnd, done });
  }
  return out;
}
