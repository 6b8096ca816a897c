// The CLI's host: every message code has a human renderer (checked by the type checker, and here against the codes
// the source declares), each level lands where a user expects it, --json collects warnings, progress is plain lines
// off a terminal.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCliHost, loadRenderers } from '../../src/cli/io-host.js';
import * as renderers from '../../src/cli/render/messages/index.js';
import { messageRenderers, requestPrompts } from '../../src/cli/render/messages/index.js';
import type { MessageRenderers } from '../../src/cli/render/messages/types.js';
import { emit } from '../../src/core/messages.js';
import { startProgress, withProgress } from '../../src/core/progress.js';
import { capturedOutput } from '../support/cli-harness.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Every `'<area>.<what>': …` key declared inside a `interface MessageCatalog` / `RequestCatalog` block in src/. */
function declaredCodes(catalog: 'MessageCatalog' | 'RequestCatalog'): string[] {
  const codes: string[] = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    for (const block of text.matchAll(new RegExp(`interface ${catalog} \\{([\\s\\S]*?)\\n  \\}`, 'g'))) {
      for (const key of (block[1] ?? '').matchAll(/^ {4}'([a-z][\w-]*(?:\.[\w-]+)+)':/gm)) codes.push(key[1] as string);
    }
  }
  return codes.sort();
}

describe('renderers', () => {
  it('every message code declared in src/ has a renderer, and every renderer a declared code', () => {
    const declared = declaredCodes('MessageCatalog');
    expect(declared.length).toBeGreaterThan(10);
    expect(declared).toContain('engine.change.done');
    expect(Object.keys(messageRenderers).sort()).toEqual(declared);
  });

  it('every request code has a prompt', () => {
    expect(Object.keys(requestPrompts).sort()).toEqual(declaredCodes('RequestCatalog'));
  });

  it('a renderer map without one code does not type-check', () => {
    const { 'engine.change.done': _dropped, ...rest } = messageRenderers;
    // @ts-expect-error: 'engine.change.done' is missing, so this is not every code's renderer
    const incomplete: MessageRenderers = rest;
    expect(Object.keys(incomplete)).not.toContain('engine.change.done');
  });
});

describe('the CLI host', () => {
  it('used before the renderers are loaded, it keeps the messages in order and shows them once they are', async () => {
    const output = capturedOutput();
    const host = createCliHost({ output, prompts: { interactive: false }, yes: false });
    emit(host, 'warn', 'lock.lost', { id: 'a' });
    emit(host, 'info', 'lock.waiting', { id: 'b', holder: 'bob@host pid 1', timeoutMs: 60_000 });
    await loadRenderers();
    await Promise.resolve();
    expect(output.lines()).toEqual([
      'warning: lock a was no longer held by this run when it ended (mesh unlock?).',
      'waiting for lock held by bob@host pid 1 (up to 1m)',
    ]);
  });

  const change = { plane: 'catalog', action: 'create', type: 'glue-table', id: 'db/t', label: 'music_songs/songs' } as const;

  it('renders info on stderr, warnings with their prefix, debug only with --verbose; stdout stays empty', () => {
    const quiet = capturedOutput();
    const host = createCliHost({ output: quiet, prompts: { interactive: false }, yes: false, renderers });
    emit(host, 'info', 'engine.change.done', change);
    emit(host, 'warn', 'lock.lost', { id: 'abc' });
    emit(host, 'debug', 'engine.change.start', change);
    expect(quiet.lines()).toEqual([
      '✓ create glue-table music_songs/songs',
      'warning: lock abc was no longer held by this run when it ended (mesh unlock?).',
    ]);
    expect(quiet.stdout()).toBe('');
    const verbose = capturedOutput({ verbose: true });
    emit(
      createCliHost({ output: verbose, prompts: { interactive: false }, yes: false, renderers }),
      'debug',
      'engine.change.start',
      change,
    );
    expect(verbose.lines()).toEqual(['… create glue-table music_songs/songs']);
  });

  it('with --json, warnings are kept for the document', () => {
    const output = capturedOutput({ json: true });
    const host = createCliHost({ output, prompts: { interactive: false }, yes: false, renderers });
    emit(host, 'warn', 'lock.lost', { id: 'abc' });
    emit(host, 'info', 'engine.change.done', change);
    expect(host.warnings).toEqual([
      { code: 'lock.lost', message: 'lock abc was no longer held by this run when it ended (mesh unlock?).', data: { id: 'abc' } },
    ]);
  });

  it('progress off a terminal: a plain line per new text, the last with its end', () => {
    const output = capturedOutput();
    const host = createCliHost({ output, prompts: { interactive: false }, yes: false, renderers });
    const p = startProgress(host, 'import job users: checking…');
    p.update('import job users: CREATE PENDING (0s)');
    p.update('import job users: CREATE PENDING (0s)');
    p.end(true, 'import job users: ACTIVE (4s)');
    p.end(false);
    expect(output.lines()).toEqual([
      'import job users: checking…',
      'import job users: CREATE PENDING (0s)',
      'import job users: ACTIVE (4s)',
    ]);
  });

  it('a confirmation: --yes answers it; without a terminal and without --yes it fails naming the flag', async () => {
    const output = capturedOutput();
    const request = {
      code: 'engine.apply.confirm',
      data: { target: 'local', reason: 'removals', summary: { create: 0, update: 0, replace: 0, grant: 0, revoke: 0, delete: 1, noop: 0 } },
      defaultAnswer: false,
    } as const;
    const yes = createCliHost({ output, prompts: { interactive: false, log: (l) => output.info(l) }, yes: true, renderers });
    await expect(yes.request(request)).resolves.toBe(true);
    expect(output.lines()).toEqual(['? Apply these changes, including the removals above? → auto: true (--yes)']);
    const no = createCliHost({ output, prompts: { interactive: false }, yes: false, renderers });
    await expect(no.request(request)).rejects.toMatchObject({ code: 'MissingFlag', hint: 'Pass --yes.' });
  });
});

describe('a command step as progress (withProgress)', () => {
  it('off a terminal: one line when it starts (here at once), and its end with the time it took', async () => {
    const previous = process.env.MESH_PROGRESS_AFTER_MS;
    process.env.MESH_PROGRESS_AFTER_MS = '0';
    try {
      const output = capturedOutput();
      const host = createCliHost({ output, prompts: { interactive: false }, yes: false, renderers });
      const rows = await withProgress(
        host,
        'Running transform items (DuckDB)',
        async () => 42,
        (n) => `${n} row(s) written`,
      );
      expect(rows).toBe(42);
      expect(output.lines()).toEqual(['Running transform items (DuckDB)…', expect.stringMatching(/^42 row\(s\) written \(\d+\.\d s\)$/)]);
      const failing = capturedOutput();
      const failingHost = createCliHost({ output: failing, prompts: { interactive: false }, yes: false, renderers });
      await expect(
        withProgress(failingHost, 'Training', async () => {
          throw new Error('no data');
        }),
      ).rejects.toThrow('no data');
      expect(failing.lines()).toEqual(['Training…', expect.stringMatching(/^Training: stopped after \d+\.\d s$/)]);
    } finally {
      if (previous === undefined) delete process.env.MESH_PROGRESS_AFTER_MS;
      else process.env.MESH_PROGRESS_AFTER_MS = previous;
    }
  });

  it('a fast step shows nothing (it is shown only once it runs past its delay)', async () => {
    const previous = process.env.MESH_PROGRESS_AFTER_MS;
    process.env.MESH_PROGRESS_AFTER_MS = '60000';
    try {
      const output = capturedOutput();
      const host = createCliHost({ output, prompts: { interactive: false }, yes: false, renderers });
      await withProgress(host, 'Planning', async () => undefined);
      expect(output.lines()).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.MESH_PROGRESS_AFTER_MS;
      else process.env.MESH_PROGRESS_AFTER_MS = previous;
    }
  });
});
