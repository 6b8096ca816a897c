import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Domain } from '../../src/workspace/model.js';
import { requireDomain } from '../../src/workspace/require-domain.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const domain = (name: string) => ({ name }) as Domain;
const ws = { domains: [domain('listening'), domain('analytics')] };

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('requireDomain', () => {
  it('returns the domain of that name', () => {
    expect(requireDomain(ws, 'analytics')).toBe(ws.domains[1]);
  });

  it('refuses an unknown name with UnknownDomain (exit 2) and the likely typo', () => {
    expect(catchError(() => requireDomain(ws, 'analytcs'))).toMatchObject({
      code: 'UnknownDomain',
      exitCode: 2,
      message: 'No domain named "analytcs" in the workspace.',
      hint: 'Did you mean "analytics"?',
      details: { domain: 'analytcs' },
    });
  });

  it('lists the domains when nothing is close, and says who asked', () => {
    expect(catchError(() => requireDomain(ws, 'zzz', 'product podcasts'))).toMatchObject({
      message: 'product podcasts: no domain named "zzz" in the workspace.',
      hint: 'Domains: listening, analytics.',
    });
    expect(catchError(() => requireDomain({ domains: [] }, 'x'))).toMatchObject({ hint: 'Domains: (none).' });
  });

  it('is the one place src/ writes "no domain named"', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    const writers = files(path.join(root, 'src'))
      .filter((f) => /no domain (is )?named/i.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    expect(writers).toEqual([path.join('src', 'workspace', 'require-domain.ts')]);
  });
});
