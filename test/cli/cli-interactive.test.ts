import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateWorkspace } from '../../src/workspace/load.js';
import { removeWorkspace, writeWorkspace } from '../workspace/fixture.js';
import { BIN, ensureBuilt } from './run-cli.js';

const DOWN = '\u001b[B';
const ENTER = '\r';

/**
 * Runs `mesh <args>` under a pseudo-terminal (util-linux `script`), answering each prompt when it shows up.
 * Returns the terminal output and the exit code.
 */
async function drive(cwd: string, args: string, answers: readonly [RegExp, string][]): Promise<{ code: number | null; screen: string }> {
  const child = spawn('script', ['-qefc', `${process.execPath} ${BIN} ${args}`, '/dev/null'], {
    cwd,
    env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm' },
  });
  let screen = '';
  let onScreen = () => {};
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    onScreen();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let cursor = 0;
  for (const [prompt, answer] of answers) {
    // Checked on every chunk the terminal prints; the 15 s bound only turns a prompt that never comes into a message.
    await new Promise<void>((resolve, reject) => {
      const bound = setTimeout(() => {
        child.kill();
        reject(new Error(`no prompt ${prompt} in:\n${screen}`));
      }, 15_000);
      onScreen = () => {
        const found = prompt.exec(screen.slice(cursor));
        if (!found) return;
        cursor += found.index + found[0].length;
        clearTimeout(bound);
        onScreen = () => {};
        resolve();
      };
      onScreen();
    });
    child.stdin.write(answer);
  }
  return { code: await exited, screen };
}

describe('interactive mesh init (pseudo-TTY)', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await writeWorkspace({});
  });
  afterAll(() => removeWorkspace(dir));

  test('in an empty folder it asks for a mesh and writes one', async () => {
    const { code, screen } = await drive(dir, 'init', [
      [/\? What do you want to create\?[\s\S]*❯ a mesh workspace/, ENTER],
      [/\? Name of the mesh \(mesh-ws-\w+\)/, `music${ENTER}`],
      [/\? Where does it run\?[\s\S]*❯ local/, ENTER],
      [/\? Region \(us-east-1\)/, ENTER],
    ]);
    expect(code, screen).toBe(0);
    expect(screen).toContain('Created 3 files in');
    const mesh = await readFile(path.join(dir, 'mesh.yaml'), 'utf8');
    expect(mesh).toMatch(/^name: music$/m);
    // on local an account id is only a name: made up, never asked for
    expect(screen).not.toMatch(/account id/i);
    expect(mesh).toMatch(/account: "\d{12}"/);
  });

  test('inside the workspace it offers a producer, asks sensible questions and writes a valid domain', async () => {
    const { code, screen } = await drive(path.join(dir), 'init', [
      [/\? What do you want to create\?[\s\S]*❯ a producer domain/, ENTER],
      [/\? Name of the producer domain/, `podcasts${ENTER}`],
      [/\? Owner team \(podcasts-team\)/, ENTER],
      [/\? Owner contact \(email or channel\)/, `podcasts@example.com${ENTER}`],
      [/\? Region \(us-east-1\)/, ENTER],
      [/\? Where does the data live today\?[\s\S]*❯ relational/, `${DOWN}${ENTER}`],
    ]);
    expect(code, screen).toBe(0);
    expect(screen).not.toMatch(/account id/i);
    expect(screen).toContain('domains/podcasts/export/flatten.sql');
    const { workspace, problems } = await validateWorkspace(dir);
    expect(problems).toEqual([]);
    expect(workspace?.domains.map((d) => [d.name, d.kind, d.owner.contact, d.storage?.kind])).toEqual([
      ['podcasts', 'producer', 'podcasts@example.com', 'key-value'],
    ]);
  });

  test('a prompt refuses an invalid answer and asks again', async () => {
    const { code, screen } = await drive(dir, 'init consumer', [
      [/\? Name of the consumer domain/, `Recs${ENTER}`],
      [/Use lowercase letters, digits and dashes/, `\u0015recs${ENTER}`],
      [/\? Owner team \(recs-team\)/, ENTER],
      [/\? Owner contact/, `ml@example.com${ENTER}`],
      [/\? Region/, ENTER],
      [/\? What will the domain do\?/, `${DOWN}${ENTER}`],
    ]);
    expect(code, screen).toBe(0);
    const domain = await readFile(path.join(dir, 'domains/recs/domain.yaml'), 'utf8');
    expect(domain).toMatch(/^name: recs$/m);
    expect(domain).toContain('(recommendations)');
    expect((await validateWorkspace(dir)).workspace).toBeDefined();
  });
});
