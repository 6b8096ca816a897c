/**
 * The walls of .dependency-cruiser.cjs: a small tree that breaks each rule once (and keeps each exception) is cruised
 * with the project's config, and exactly the planted violations come back. `npm run depcruise` applies the same
 * config to src/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** path → source. Each comment says which rule the import breaks, or why it is allowed. */
const TREE: Record<string, string> = {
  'src/cli/program.ts': "import { Command } from 'commander';\nexport const program = new Command();\n", // allowed: the CLI layer
  'src/catalog/plane.ts': "import { Command } from 'commander';\nexport const c = Command;\n", // commander-only-in-cli
  'src/catalog/spin.ts': "import ora from 'ora';\nexport const s = ora;\n", // terminal-ui-only-in-io
  'src/io/spinner.ts': "import ora from 'ora';\nimport { MeshError } from '../core/errors.js';\nexport const s = [ora, MeshError];\n", // allowed: io
  'src/core/errors.ts': 'export class MeshError extends Error {}\n',
  'src/core/waiter.ts': "import { s } from '../io/spinner.js';\nexport const w = s;\n", // no-folder-cycles: core → io → core
  'src/engine/run.ts': "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n", // no-heavy-sdk (static)
  'src/engine/lazy.ts': "export async function open() {\n  return import('@duckdb/node-api');\n}\n", // no-heavy-sdk (dynamic)
  'src/engine/typed.ts': "import type { S3Client } from '@aws-sdk/client-s3';\nexport type Client = S3Client;\n", // allowed: type-only
  'src/workspace/db.ts': "import Database from 'better-sqlite3';\nexport const d = Database;\n", // no-heavy-sdk
  'src/cli/aws.ts': "import { STSClient } from '@aws-sdk/client-sts';\nexport const c = STSClient;\n", // no-heavy-sdk
  'src/lock/aws/dynamo.ts':
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport type { Port } from '../index.js';\nexport const d: Port = DynamoDBClient;\n", // allowed: an adapter
  'src/lock/index.ts': "export type Port = unknown;\nexport const load = () => import('./aws/dynamo.js');\n", // allowed: a cycle inside one folder
  'src/catalog/local/store.ts': "import { a } from '../aws/adapter.js';\nexport const l = a;\n", // local-adapter-not-aws
  'src/catalog/local/clients.ts': "import { c } from '../../aws/clients.js';\nexport const l = c;\n", // local-adapter-not-aws (src/aws)
  'src/aws/clients.ts': 'export const c = 1;\n',
  'src/catalog/aws/adapter.ts': "import { q } from '../local/query.js';\nexport const a = q;\n", // aws-adapter-not-local
  'src/catalog/local/query.ts': 'export const q = 1;\n',
  'src/catalog/missing.ts': "import { nothing } from './not-there.js';\nexport const m = nothing;\n", // no-unresolvable
};

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

let dir = '';
let violations: Violation[] = [];

beforeAll(() => {
  expect(existsSync(CLI), `dependency-cruiser is not installed (${CLI}); run npm ci`).toBe(true);
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-walls-'));
  for (const [file, text] of Object.entries(TREE)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }),
  );
  // The project's config as is; only symlinks are kept as they are, so node_modules/ paths match its rules.
  writeFileSync(
    path.join(dir, 'walls.cjs'),
    `const base = require(${JSON.stringify(path.join(root, '.dependency-cruiser.cjs'))});\n` +
      'module.exports = { ...base, options: { ...base.options, preserveSymlinks: true } };\n',
  );
  const run = spawnSync(process.execPath, [CLI, 'src', '--config', 'walls.cjs', '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
  expect(run.stdout, run.stderr).toMatch(/^\{/);
  violations = JSON.parse(run.stdout).summary.violations;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const found = (rule: string) =>
  violations
    .filter((v) => v.rule.name === rule)
    .map((v) => `${v.from} → ${v.to.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')}`)
    .sort();

describe('the dependency walls (.dependency-cruiser.cjs)', () => {
  it('keep commander in the CLI layer, ora and @inquirer in io', () => {
    expect(found('commander-only-in-cli')).toEqual(['src/catalog/plane.ts → commander']);
    expect(found('terminal-ui-only-in-io')).toEqual(['src/catalog/spin.ts → ora']);
  });

  it('keep the AWS SDK, kafkajs, DuckDB and SQLite out of the CLI layer, the engine and the workspace model, lazy or not', () => {
    expect(found('no-heavy-sdk-in-cli-engine-workspace')).toEqual([
      'src/cli/aws.ts → @aws-sdk/client-sts',
      'src/engine/lazy.ts → @duckdb/node-api',
      'src/engine/run.ts → kafkajs',
      'src/workspace/db.ts → better-sqlite3',
    ]);
  });

  it('keep local and aws adapters apart', () => {
    expect(found('local-adapter-not-aws')).toEqual([
      'src/catalog/local/clients.ts → src/aws/clients.ts',
      'src/catalog/local/store.ts → src/catalog/aws/adapter.ts',
    ]);
    expect(found('aws-adapter-not-local')).toEqual(['src/catalog/aws/adapter.ts → src/catalog/local/query.ts']);
  });

  it('refuse a cycle between top folders, and only that', () => {
    expect(found('no-folder-cycles')).toEqual(['src/core → src/io', 'src/io → src/core']);
  });

  it('refuse an import that resolves to nothing', () => {
    expect(found('no-unresolvable')).toEqual(['src/catalog/missing.ts → ./not-there.js']);
  });

  it('report nothing else', () => {
    expect(violations.length).toBe(12);
  });
});
