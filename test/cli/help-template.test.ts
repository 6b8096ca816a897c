// `mesh --help` prints the build's help template (src/cli/help-template.ts, bin/help.cjs) instead of loading the CLI.
// It must read exactly as commander's own help at every width: checked in process for every width from 20 to 200
// columns, and as the user sees it on terminals of 60 and 100 columns (a pseudo-terminal from util-linux `script`),
// against the full program (dist/cli, every command loaded) on the same terminal. Piped output (80 columns) is
// compared with the full program in lazy-loading.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpTemplate } from '../../src/cli/help-template.js';
import { buildProgram } from '../../src/cli/program.js';
import { BIN, ensureBuilt, ROOT, writeFullProgramEntry } from './run-cli.js';

interface Helper {
  helpWidth?: number;
  prepareContext(options: { helpWidth?: number }): void;
}
const { renderHelp, commanderHelp } = createRequire(import.meta.url)(path.join(ROOT, 'bin', 'help.cjs')) as {
  renderHelp: (template: unknown, helper: Helper) => string;
  commanderHelp: () => Helper;
};

describe('the help template', () => {
  it('renders as commander formats the help, at every width from 20 to 200 columns', async () => {
    const template = helpTemplate(await buildProgram());
    expect(template.wraps.length).toBeGreaterThan(20); // every option and command is a wrap
    const differing: number[] = [];
    for (let width = 20; width <= 200; width++) {
      const program = await buildProgram();
      program.configureOutput({ getOutHelpWidth: () => width });
      const helper = commanderHelp();
      helper.prepareContext({ helpWidth: width });
      if (renderHelp(template, helper) !== program.helpInformation()) differing.push(width);
    }
    expect(differing).toEqual([]);
  });
});

describe('mesh --help on a terminal', () => {
  let dir = '';
  let full = '';
  beforeAll(() => {
    ensureBuilt();
    if (spawnSync('script', ['--version']).error) throw new Error('util-linux `script` is missing: sudo apt-get install -y util-linux');
    dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-help-tty-'));
    full = writeFullProgramEntry(dir);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What a terminal of `columns` shows for `node <entry> --help` (script's CR LF line ends made LF). */
  function atTerminal(entry: string, columns: number): string {
    const command = `stty cols ${columns} rows 60; exec ${process.execPath} ${entry} --help`;
    const r = spawnSync('script', ['-qefc', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, SHELL: '/bin/sh', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.replace(/\r\n/g, '\n');
  }

  it('bin/mesh.cjs uses the template: it is from the current build', () => {
    const built = statSync(path.join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
    expect(statSync(path.join(ROOT, 'dist', 'bundle', 'help.json')).mtimeMs).toBeGreaterThanOrEqual(built);
  });

  it.each([60, 100])('at %i columns reads as the full program at that width', (columns) => {
    const shown = atTerminal(BIN, columns);
    expect(shown).toContain('Usage: mesh [options] [command]');
    expect(Math.max(...shown.split('\n').map((l) => l.length))).toBeGreaterThan(columns - 10); // wrapped to this terminal
    expect(shown).toEqual(atTerminal(full, columns));
  });
});
