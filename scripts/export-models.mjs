#!/usr/bin/env node
// Exports the AWS service models the tests check requests against (test/support/aws-conformance.ts): botocore's
// service-2.json of each service mesh calls, from the pinned botocore in the test services' venv (.services/venv,
// scripts/requirements-test.txt), into .services/models/<service>.json, plus index.json (serviceId → file). Run by
// `node scripts/services.mjs up` (after the venv is installed) and on its own: `node scripts/export-models.mjs`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = path.join(ROOT, '.services', 'models');

/** botocore service folders for every SDK client mesh and its tests create. */
export const MODEL_SERVICES = [
  'athena',
  'dynamodb',
  'firehose',
  'glue',
  'iam',
  'kafka',
  'lakeformation',
  'lambda',
  'personalize',
  'personalize-events',
  'personalize-runtime',
  's3',
  'sts',
];

function botocoreDir() {
  const lib = path.join(ROOT, '.services', 'venv', 'lib');
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find((d) => /^python3\.\d+$/.test(d)) : undefined;
  const dir = python ? path.join(lib, python, 'site-packages', 'botocore') : undefined;
  if (!dir || !fs.existsSync(dir)) {
    throw new Error('botocore is not installed in .services/venv: run `node scripts/services.mjs up moto` first.');
  }
  return dir;
}

function readModel(serviceDir) {
  const version = fs
    .readdirSync(serviceDir)
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort()
    .at(-1);
  if (!version) throw new Error(`no model version under ${serviceDir}`);
  const plain = path.join(serviceDir, version, 'service-2.json');
  if (fs.existsSync(plain)) return fs.readFileSync(plain, 'utf8');
  return zlib.gunzipSync(fs.readFileSync(`${plain}.gz`)).toString('utf8');
}

/** Writes the models unless they are already exported from this botocore version; returns a one-line summary. */
export function exportModels() {
  const botocore = botocoreDir();
  const versionFile = fs.readdirSync(path.dirname(botocore)).find((d) => /^botocore-.+\.dist-info$/.test(d)) ?? 'botocore';
  const indexFile = path.join(MODELS_DIR, 'index.json');
  if (fs.existsSync(indexFile)) {
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    if (index.botocore === versionFile && MODEL_SERVICES.every((s) => Object.values(index.services).includes(`${s}.json`))) {
      return `models: up to date (${versionFile})`;
    }
  }
  fs.mkdirSync(MODELS_DIR, { recursive: true });
  const services = {};
  for (const service of MODEL_SERVICES) {
    const text = readModel(path.join(botocore, 'data', service));
    const serviceId = JSON.parse(text).metadata?.serviceId;
    if (!serviceId) throw new Error(`${service}: the model has no metadata.serviceId`);
    fs.writeFileSync(path.join(MODELS_DIR, `${service}.json`), text);
    services[serviceId] = `${service}.json`;
  }
  fs.writeFileSync(indexFile, `${JSON.stringify({ botocore: versionFile, services }, null, 2)}\n`);
  return `models: ${MODEL_SERVICES.length} service models exported from ${versionFile}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(exportModels());
  } catch (error) {
    console.error(`export-models: ${error.message}`);
    process.exitCode = 1;
  }
}
