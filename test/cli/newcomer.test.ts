// What a newcomer meets on the example, through the real program in-process (issue 14, findings 5-8 and 11):
// usage errors in mesh's format with did-you-mean, examples at the end of every --help, a plan that fits 80 columns,
// subscribe without --domain, a misspelt product, a breaking change with its sample data, empty produce input, no
// false "no product contracts" warning, and doctor without credentials.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/cli/examples.js';
import { buildProgram } from '../../src/cli/program.js';
import { runInProcess } from './run-cli.js';

let ws = '';
const mesh = (...args: string[]) => runInProcess([...args, '--cwd', ws]);
const file = (rel: string) => path.join(ws, rel);

beforeAll(async () => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'mesh-newcomer-'));
  const init = await runInProcess(['init', '--example', 'music-streaming', '--yes', '--dir', ws]);
  expect(init.code, init.stderr).toBe(0);
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

/** Every command below `mesh`, as its path of names. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('usage errors', () => {
  it("are mesh's errors: code, message and a hint with the command meant", async () => {
    const typo = await mesh('publsh');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "error [UsageError] unknown command 'publsh'.\n  hint: Did you mean `mesh publish-product`? Run `mesh --help` for usage.\n",
    );
    const sub = await mesh('events', 'prodce', 'interactions');
    expect(sub.stderr).toContain('hint: Did you mean `mesh events produce`? Run `mesh events --help` for usage.');
    const option = await mesh('validate', '--jsn');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error [UsageError] unknown option '--jsn'.");
    expect(option.stderr).toContain('hint: Did you mean --json? Run `mesh validate --help` for usage.');
    const missing = await mesh('subscribe');
    expect(missing.stderr).toContain("error [UsageError] missing required argument 'product'.");
    expect(`${typo.stderr}${sub.stderr}${option.stderr}${missing.stderr}`).not.toMatch(/^error: /m);
  });

  it('with --json are one JSON document on stdout', async () => {
    const r = await mesh('--json', 'publsh');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'UsageError', hint: expect.stringContaining('mesh publish-product'), details: { kind: 'unknownCommand' } },
    });
  });
});

// buildProgram loads each command module on demand (asynchronously), so the full program is built here.
const fullProgram = await buildProgram();

describe('--help', () => {
  const program = fullProgram;
  const paths = commandPaths(program);

  it.each(paths.map((p) => [p.join(' ')]))('mesh %s --help ends with two or three examples', async (name) => {
    const r = await runInProcess([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const at = lines.lastIndexOf('Examples:');
    expect(at, r.stdout).toBeGreaterThan(0);
    const examples = lines.slice(at + 1);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    for (const line of examples) expect(line).toMatch(/^ {2}(\S.*\| )?mesh /);
  });

  it('every example names a real command and only its real options', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(paths.map((p) => p.join(' ')).sort());
    const globals = program.options.flatMap((o) => [o.long, o.short]);
    for (const [name, examples] of Object.entries(EXAMPLES)) {
      for (const example of examples) {
        const segment = (example.split('#')[0] ?? '').split(' | ').find((part) => part.trim().startsWith('mesh ')) ?? '';
        const words = segment.trim().split(/\s+/).slice(1);
        let command: Command = program;
        const flags: string[] = [];
        let positional = false;
        let takesValue = false;
        for (const word of words) {
          const sub = command.commands.find((c) => c.name() === word);
          if (takesValue) takesValue = false;
          else if (word.startsWith('-')) {
            flags.push(word);
            const option = [...command.options, ...program.options].find((o) => o.long === word || o.short === word);
            takesValue = Boolean(option?.required || option?.optional);
          } else if (sub && !positional) command = sub;
          else positional = true;
        }
        const own = command.options.flatMap((o) => [o.long, o.short]);
        for (const flag of flags) expect([...own, ...globals], `${name}: ${example}`).toContain(flag);
        expect(example.startsWith('mesh') || example.includes('| mesh')).toBe(true);
      }
    }
  });
});

describe("examples that name the running example's functions", () => {
  it('mesh dev --only names functions the music-streaming example has (it named a template once)', () => {
    const dir = path.resolve(__dirname, '../../templates/examples/music-streaming/domains');
    const functions = new Set(
      readdirSync(dir).flatMap((d) =>
        [...readFileSync(path.join(dir, d, 'domain.yaml'), 'utf8').matchAll(/^\s+function: (\S+)$/gm)].map((m) => m[1]),
      ),
    );
    const named = (EXAMPLES.dev ?? []).flatMap((e) => /--only (.+)$/.exec(e)?.[1]?.split(/\s+/) ?? []);
    expect(named.length).toBeGreaterThan(0);
    for (const fn of named) expect([...functions], fn).toContain(fn.split('/').pop());
  });
});

describe('the plan on an 80-column terminal', () => {
  it('fits: no line is wider than 80 characters, and every change is still shown', async () => {
    const r = await mesh('plan');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const widest = Math.max(...lines.map((l) => [...l].length));
    expect(
      widest,
      lines.find((l) => [...l].length > 80),
    ).toBeLessThanOrEqual(80);
    const doc = JSON.parse((await mesh('--json', 'plan')).stdout) as { changes: { action: string; type: string }[] };
    const shown = lines.filter((l) => /^[+~±><-] (create|update|replace|grant|revoke|delete) /.test(l)).length;
    expect(shown).toBe(doc.changes.filter((c) => c.action !== 'noop').length);
    expect(r.stdout).toContain('music_songs @central');
  });
});

describe('subscribe', () => {
  it('without --domain and with several consumer domains fails, listing them, and changes nothing', async () => {
    const before = readFileSync(file('domains/analytics/domain.yaml'), 'utf8');
    const r = await mesh('subscribe', 'users', '--table', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error [UsageError] --domain is required: the workspace has 2 consumer domains (recommendations, analytics).',
    );
    expect(r.stderr).toContain('hint: Pass --domain recommendations (or analytics).');
    expect(r.stdout).not.toContain('Nothing to do');
    expect(readFileSync(file('domains/analytics/domain.yaml'), 'utf8')).toBe(before);
  });

  it('to a misspelt product says so first, with the product meant', async () => {
    const r = await mesh('subscribe', 'sngs', '--domain', 'recommendations');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error [UnknownProduct] No product is named "sngs".\n  hint: Did you mean "songs"?\n');
  });
});

describe('a breaking change to a published product', () => {
  it('names the dropped column, --allow-breaking, and the sample data that no longer matches, in one message', async () => {
    const published = await mesh('publish-product', '--yes');
    expect(published.code, published.stderr).toBe(0);
    const contract = file('domains/songs/products/songs.odcs.yaml');
    const original = readFileSync(contract, 'utf8');
    const lines = original.split('\n');
    const from = lines.findIndex((l) => l.trim() === '- name: album');
    const to = lines.findIndex((l) => l.trim() === '- name: genre');
    expect(from).toBeGreaterThan(0);
    writeFileSync(contract, [...lines.slice(0, from), ...lines.slice(to)].join('\n'));
    try {
      const r = await mesh('publish-product');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error [BreakingChange]');
      expect(r.stderr).toContain('Breaking change to songs: column album dropped (needs --allow-breaking)');
      expect(r.stderr).toContain(
        'the sample data no longer matches the new contract: column "album" is in the file but not in the contract',
      );
      expect(r.stderr).toContain('hint: Update the sample file to the new contract, then: mesh publish-product songs --allow-breaking');
      expect(r.stderr.split('songs.csv').length - 1).toBe(1); // the file is named once
    } finally {
      writeFileSync(contract, original);
    }
  });
});

describe('events produce', () => {
  it('with an empty file is an error and sends nothing', async () => {
    writeFileSync(file('empty.jsonl'), '\n  \n');
    const r = await mesh('events', 'produce', 'interactions', '--file', file('empty.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [NoEvents] No events in');
    expect(r.stdout).not.toContain('Sent 0');
  });
});

describe('validate', () => {
  it('a contract with a bad logicalType is one error, without a false "has no product contracts" warning', async () => {
    const contract = file('domains/podcasts/products/podcasts.odcs.yaml');
    const original = readFileSync(contract, 'utf8');
    writeFileSync(contract, original.replace('logicalType: string', 'logicalType: strng'));
    try {
      const r = await mesh('--json', 'validate');
      expect(r.code).toBe(2);
      const problems = (JSON.parse(r.stdout) as { error: { details: { problems: { code: string; message: string }[] } } }).error.details
        .problems;
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.map((p) => p.code)).not.toContain('NoProducts');
      expect(JSON.stringify(problems)).not.toContain('has no product contracts');
    } finally {
      writeFileSync(contract, original);
    }
  });
});

describe('doctor on aws without credentials', () => {
  it('says "skipped: no credentials" for the checks that could not run, and names the fix once', async () => {
    const saved = { ...process.env };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[key];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: file('no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: file('no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const r = await mesh('--target', 'aws', 'doctor');
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n');
      const row = (name: string) => lines.find((l) => l.includes(name)) ?? '';
      expect(row('lake formation settings (central)')).toMatch(/^skip\s+lake formation settings \(central\)\s+skipped: no credentials$/);
      expect(row('data access role (central)')).toMatch(/^skip\s+data access role \(central\)\s+skipped: no credentials$/);
      expect(row('credentials: central catalog')).toMatch(/^FAIL\s+credentials: central catalog\s+no usable AWS credentials/);
      // the result column does not repeat the check's name
      expect(row('credentials: central catalog').split('credentials: central catalog').length - 1).toBe(1);
      const fixes = lines.filter((l) => l.includes('fix:'));
      expect(fixes.length).toBeGreaterThan(0);
      for (const fix of fixes) {
        expect(fix).toMatch(/credentials: (central catalog|domain \w+): fix: Give .* working credentials/);
        expect(fix).not.toMatch(/\(Log in/); // no duplicated parenthetical
      }
      expect(r.stdout).not.toMatch(/PutDataLakeSettings|Create the role/);
      expect(r.stderr).toContain('(2 skipped: no credentials)');
    } finally {
      process.env = saved;
    }
  });
});
