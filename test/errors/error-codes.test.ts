import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, ExitCode, exitCodeOf, type RegisteredErrorCode } from '../../src/core/error-codes.js';
import { configError, interrupted, MeshError, usageError } from '../../src/core/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const REGEN = 'Run `npm run error-codes` to regenerate the README table from src/core/error-codes.ts.';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'web' || e.name === 'node_modules' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}
const sources = sourceFiles(path.join(root, 'src')).map((file) => ({
  file: path.relative(root, file),
  text: readFileSync(file, 'utf8'),
}));

/** The rows of the generated table in README.md: code → [exit, meaning]. */
function readmeRows(): Map<string, { exit: number; description: string }> {
  const block = /<!-- error-codes:start -->\n([\s\S]*?)<!-- error-codes:end -->/.exec(readme);
  expect(block, `README.md has no error-codes block. ${REGEN}`).not.toBeNull();
  const rows = new Map<string, { exit: number; description: string }>();
  for (const line of (block?.[1] ?? '').split('\n')) {
    const m = /^\| `([^`]+)` \| (\d+) \| (.*) \|$/.exec(line);
    if (m?.[1] && m[2] && m[3] !== undefined) rows.set(m[1], { exit: Number(m[2]), description: m[3].replaceAll('\\|', '|') });
  }
  return rows;
}

describe('the error-code registry', () => {
  const codes = Object.keys(ERROR_CODES) as RegisteredErrorCode[];

  it('gives every code a PascalCase name, one of the documented exit codes and a one-line description', () => {
    const exits = new Set<number>(Object.values(ExitCode));
    for (const code of codes) {
      const entry = ERROR_CODES[code];
      expect(code, code).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(exits.has(entry.exit), `${code}: exit ${entry.exit}`).toBe(true);
      expect(entry.exit, `${code}: a MeshError never exits 0 or 3`).not.toBe(ExitCode.Ok);
      expect(entry.exit, code).not.toBe(ExitCode.ChangesPending);
      expect(entry.description, code).toMatch(/^\S.{8,139}$/);
      expect(entry.description, code).not.toContain('\n');
    }
  });

  it('decides the exit code of every MeshError, whatever helper makes it', () => {
    for (const code of codes) expect(new MeshError(code, 'm').exitCode, code).toBe(ERROR_CODES[code].exit);
    expect(usageError('bad flag').exitCode).toBe(ExitCode.Usage);
    expect(interrupted().exitCode).toBe(ExitCode.Interrupted);
    expect(configError('ConfigInvalid', 'bad file').exitCode).toBe(ExitCode.Usage);
    expect(configError('InternalError', 'a bug').exitCode).toBe(ExitCode.Failure);
    // AWS service errors pass through by name and fail with 1
    expect(exitCodeOf('AwsNoSuchBucket' satisfies ErrorCode)).toBe(ExitCode.Failure);
  });

  it('matches the table in README.md, code for code, with the same exit code and meaning', () => {
    const rows = readmeRows();
    const documented = [...rows.keys()].filter((c) => c !== 'Aws<Name>');
    expect(documented.sort(), `README and registry list different codes. ${REGEN}`).toEqual([...codes].sort());
    for (const code of codes) {
      expect(rows.get(code), `${code} in README. ${REGEN}`).toEqual({
        exit: ERROR_CODES[code].exit,
        description: ERROR_CODES[code].description,
      });
    }
    expect(rows.get('Aws<Name>')?.exit).toBe(ExitCode.Failure);
  });

  it('documents every exit code the registry uses in the README exit-code table, and no other', () => {
    const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('<!-- error-codes:start -->'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(documented).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
    for (const code of codes) expect(documented, code).toContain(ERROR_CODES[code].exit);
  });

  it('has no code that nothing in src/ throws (a removed throw site takes its entry with it)', () => {
    const unused = codes.filter(
      (code) => !sources.some((s) => s.file !== path.join('src', 'core', 'error-codes.ts') && s.text.includes(`'${code}'`)),
    );
    expect(unused, 'registered codes no source file uses').toEqual([]);
  });

  it('is the only source of codes: every literal code thrown in src/ is registered', () => {
    const thrown = new Map<string, string>();
    const site = /(?:new MeshError|configError|accessError|invalidTopic)\(\s*'([A-Za-z]+)'/g;
    for (const s of sources) for (const m of s.text.matchAll(site)) if (m[1]) thrown.set(m[1], s.file);
    expect(thrown.size).toBeGreaterThan(100);
    const unregistered = [...thrown].filter(([code]) => !(code in ERROR_CODES)).map(([code, file]) => `${code} (${file})`);
    expect(unregistered).toEqual([]);
  });

  it('keeps one code per meaning: the merged duplicates are gone from src/', () => {
    for (const gone of ['DomainNotFound', 'ProductNotFound', 'NotPublished']) {
      expect(gone in ERROR_CODES, gone).toBe(false);
      expect(
        sources.filter((s) => s.text.includes(`'${gone}'`)).map((s) => s.file),
        gone,
      ).toEqual([]);
    }
  });

  it('sets no exit code at a throw site: the registry is the one place', () => {
    const sites = sources.filter(
      (s) => /\bexitCode:\s*(ExitCode\.|\d)/.test(s.text) && s.file !== path.join('src', 'core', 'error-codes.ts'),
    );
    expect(sites.map((s) => s.file)).toEqual([]);
  });
});
