// `mesh plan --format` on the local example, through the real program.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessEntries } from '../../src/access/state.js';
import { loadWorkspace } from '../../src/workspace/load.js';
import { runInProcess } from '../cli/run-cli.js';

let ws = '';
const run = (args: string[]) => runInProcess([...args, '--cwd', ws]);

beforeAll(async () => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-plan-md-'));
  const init = await run(['init', '--example', 'music-streaming', '--yes']);
  expect(init.code, init.stderr).toBe(0);
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('mesh plan --format', () => {
  it('markdown prints the pull-request comment: marker, counts, grants and changes per plane', async () => {
    const md = await run(['plan', '--format', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    const json = JSON.parse((await run(['plan', '--json'])).stdout) as { summary: { create: number; grant: number } };
    const lines = md.stdout.split('\n');
    expect(lines[0]).toBe('<!-- mesh-plan -->');
    expect(lines[1]).toBe('## mesh plan: music (target local)');
    expect(md.stdout).toContain(`**Plan:** ${json.summary.create} to create`);
    expect(md.stdout).toContain(`### Grants added (${json.summary.grant})`);
    expect(lines.filter((l) => l.startsWith('#### ')).map((l) => l.split(':')[0])).toEqual([
      '#### catalog · local',
      '#### schemas · local',
      '#### streams · local',
      '#### functions · local',
    ]);
    expect(md.stdout).not.toContain('\u001b['); // no colour codes in a comment

    expect(md.stdout).not.toContain('### Pending access requests');
  });

  it('lists a pending access request once a consumer has asked', async () => {
    const request = await run([
      'access',
      'request',
      'users',
      '--domain',
      'analytics',
      '--columns',
      'user_id,country',
      '--purpose',
      'weekly report',
    ]);
    expect(request.code, request.stderr).toBe(0);
    const pending = accessEntries(await loadWorkspace(ws)).filter((e) => e.status === 'pending');
    expect(pending.map((p) => `${p.consumer}/${p.product}`)).toEqual(['analytics/users']);
    const md = await run(['plan', '--format', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('### Pending access requests (1)');
    expect(md.stdout).toContain('| `analytics/users` | users | country, user_id | weekly report |  |');
    expect(md.stdout.trimEnd().split('\n').at(-1)).toContain('mesh access approve <consumer>/<product>');
  });

  it('json is the --json document; table stays the default', async () => {
    const viaFormat = await run(['plan', '--format', 'json']);
    const viaFlag = await run(['plan', '--json']);
    expect(viaFormat.code).toBe(0);
    expect(JSON.parse(viaFormat.stdout)).toEqual(JSON.parse(viaFlag.stdout));
    const table = await run(['plan']);
    expect(table.stdout).toMatch(/^action\s+type\s+resource\s+why/);
  });

  it('refuses --json with markdown, and a format it does not know', async () => {
    const both = await run(['plan', '--json', '--format', 'markdown']);
    expect(both.code).toBe(2);
    // With --json the error is the document.
    expect(JSON.parse(both.stdout)).toMatchObject({
      error: { code: 'UsageError', message: expect.stringContaining('--json and --format markdown') },
    });
    const yaml = await run(['plan', '--format', 'yaml']);
    expect(yaml.code).toBe(2);
    expect(yaml.stdout).toBe('');
    expect(yaml.stderr).toContain('table, markdown, json');
  });
});
