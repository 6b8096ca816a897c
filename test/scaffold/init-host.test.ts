// `mesh init`'s questions are requests to the host: a program using the toolkit answers them itself (no terminal, no
// flags), and its answers are checked with the same rules as the CLI's prompts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { IoHost, IoRequest, RequestCode } from '../../src/core/messages.js';
import { runInit } from '../../src/scaffold/init.js';
import { validateWorkspace } from '../../src/workspace/load.js';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeWorkspace(d);
});

/** Answers each question by its message; records what was asked. */
function answeringHost(answers: Record<string, string>): IoHost & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    notify: () => {},
    request: async <C extends RequestCode>(request: IoRequest<C>) => {
      const message = (request.data as { message: string }).message;
      asked.push(`${request.code} ${message}`);
      return (answers[message] ?? request.defaultAnswer) as typeof request.defaultAnswer;
    },
  };
}

describe('mesh init asks its host', () => {
  test('a program answers the questions: a producer domain written from its answers', async () => {
    const dir = await writeWorkspace({});
    dirs.push(dir);
    const host = answeringHost({
      'What do you want to create?': 'producer',
      'Name of the producer domain': 'payments',
      'Owner contact (email or channel)': 'payments@example.com',
      'Where does the data live today?': 'key-value',
    });
    await runInit({ dir }, host);
    expect(host.asked).toEqual([
      'init.select What do you want to create?',
      // outside a workspace, the mesh around the domain first
      'init.text Name of the mesh',
      'init.select Where does it run?',
      'init.text Region',
      'init.text Name of the producer domain',
      'init.text Owner team',
      'init.text Owner contact (email or channel)',
      'init.text Region',
      'init.select Where does the data live today?',
    ]);
    const domainFile = await readFile(path.join(dir, 'domains', 'payments', 'domain.yaml'), 'utf8');
    expect(domainFile).toContain('contact: payments@example.com');
    expect(domainFile).toContain('team: payments-team');
    const { problems } = await validateWorkspace(dir);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  test("a program's answer is checked like a typed one, and nothing is written", async () => {
    const dir = await writeWorkspace({});
    dirs.push(dir);
    const host = answeringHost({ 'What do you want to create?': 'producer', 'Name of the producer domain': 'Payments!' });
    await expect(runInit({ dir }, host)).rejects.toMatchObject({
      code: 'InvalidFlag',
      message: expect.stringContaining('lowercase letters'),
    });
    await expect(readFile(path.join(dir, 'domains', 'payments', 'domain.yaml'), 'utf8')).rejects.toThrow();
  });

  test('a question without a default and without an answer names the flag that answers it', async () => {
    const dir = await writeWorkspace({});
    dirs.push(dir);
    const host = answeringHost({ 'What do you want to create?': 'producer' });
    await expect(runInit({ dir }, host)).rejects.toMatchObject({ code: 'MissingFlag', hint: 'Pass <name>.' });
  });
});
