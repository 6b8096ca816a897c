// The AWS operations src can call, found statically: each `new XCommand(` / `new sdk.XCommand(` in a src file,
// attributed to the @aws-sdk/client-* module of that file whose service model has operation X. And, after a test
// run, which of them the tests reached (.services/conformance/operations.jsonl, written by
// test/support/aws-conformance-setup.ts; it accumulates across runs: delete it before a run to measure that run).
// Report: node test/conformance/src-operations.mjs [--check]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODELS = path.join(ROOT, '.services', 'models');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return files(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

const models = new Map();
function model(service) {
  if (!models.has(service)) {
    const file = path.join(MODELS, `${service}.json`);
    models.set(service, fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined);
  }
  return models.get(service);
}

/** [{ service: serviceId, operation, files }] for every operation src can call; unknown: commands no model has. */
export function srcOperations() {
  const found = new Map();
  const unknown = [];
  for (const file of files(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    const services = [...new Set([...text.matchAll(/@aws-sdk\/client-([a-z0-9-]+)/g)].map((m) => m[1]))];
    if (services.length === 0) continue;
    for (const [, op] of text.matchAll(/new\s+(?:\w+\.)?(\w+)Command\(/g)) {
      const service = services.find((s) => model(s)?.operations?.[op]);
      const rel = path.relative(ROOT, file);
      if (!service) {
        unknown.push(`${rel}: ${op}`);
        continue;
      }
      const key = `${model(service).metadata.serviceId} ${op}`;
      if (!found.has(key)) found.set(key, new Set());
      found.get(key).add(rel);
    }
  }
  return { operations: [...found.keys()].sort(), unknown, where: found };
}

/**
 * The operations the tests sent, over every integration run in this checkout (delete the file to start afresh);
 * `fromSrc`: only those a src/ file sent (lines written before that was recorded count as sent by src).
 */
export function reachedOperations({ fromSrc = false } = {}) {
  const log = path.join(ROOT, '.services', 'conformance', 'operations.jsonl');
  if (!fs.existsSync(log)) return new Set();
  const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return new Set(
    lines.flatMap((line) => {
      const entry = JSON.parse(line);
      return fromSrc && entry.fromSrc ? entry.fromSrc : entry.operations;
    }),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { operations, unknown } = srcOperations();
  const reached = reachedOperations();
  const bySrc = reachedOperations({ fromSrc: true });
  const missing = operations.filter((op) => !reached.has(op));
  const notBySrc = operations.filter((op) => reached.has(op) && !bySrc.has(op));
  console.log(`src can call ${operations.length} AWS operations; the tests reached ${operations.length - missing.length}.`);
  console.log(`the tests sent ${reached.size} distinct operations in all (fakes included).`);
  if (missing.length > 0) console.log(`not reached:\n  ${missing.join('\n  ')}`);
  if (notBySrc.length > 0) console.log(`reached only from test code, never from a src/ file:\n  ${notBySrc.join('\n  ')}`);
  if (unknown.length > 0) console.log(`commands in no service model:\n  ${unknown.join('\n  ')}`);
  // --check (after a whole integration run on a fresh log, as in CI): fail when src can call an operation that no
  // src path under test sent.
  if (process.argv.includes('--check') && (missing.length > 0 || notBySrc.length > 0 || unknown.length > 0)) process.exitCode = 1;
}
