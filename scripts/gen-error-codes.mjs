#!/usr/bin/env node
// Writes the error-code table of README.md ("Exit codes") from the registry, src/core/error-codes.ts (transpiled on
// the fly: it imports nothing). `npm run error-codes` runs it; test/errors/error-codes.test.ts checks the two agree.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = await readFile(path.join(root, 'src', 'core', 'error-codes.ts'), 'utf8');
const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
const { ERROR_CODES } = await import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);

const START = '<!-- error-codes:start -->';
const END = '<!-- error-codes:end -->';
const cell = (text) => text.replaceAll('|', '\\|');
const rows = Object.entries(ERROR_CODES)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, { exit, description }]) => `| \`${code}\` | ${exit} | ${cell(description)} |`);
const table = [
  START,
  '| error code | exit | meaning |',
  '|---|---|---|',
  ...rows,
  '| `Aws<Name>` | 1 | Any other AWS service error, by its exception name (`AccessDeniedException` → `AwsAccessDenied`). |',
  END,
].join('\n');

const file = path.join(root, 'README.md');
const readme = await readFile(file, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
await writeFile(file, `${readme.slice(0, start)}${table}${readme.slice(end + END.length)}`);
process.stdout.write(`README.md: ${rows.length} error codes\n`);
