// Shared by the location tests: the music-streaming example laid out once and copied per case, a victim folder
// outside the workspace holding .csv files, and snapshots that show nothing outside the workspace (or outside
// .mesh/) changed.
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { runInit } from '../../src/scaffold/init.js';
import { type CliRun, runInProcess } from '../cli/run-cli.js';
import { promptHost } from '../support/cli-harness.js';

export const USERS_BUCKET = 'music-users-222222222222';
export const PODCASTS_BUCKET = 'music-podcasts-444444444444';
export const PODCASTS_CONTRACT = 'domains/podcasts/products/podcasts.odcs.yaml';
export const PODCASTS_DOMAIN = 'domains/podcasts/domain.yaml';

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let template: string | undefined;

/** A fresh copy of the example (laid out once per test file, then copied). */
export async function exampleCopy(): Promise<string> {
  if (!template) {
    template = tempDir('mesh-loc-template-');
    await runInit({ dir: template, example: 'music-streaming' }, promptHost({ interactive: false }));
  }
  const root = tempDir('mesh-loc-');
  cpSync(template, root, { recursive: true });
  return root;
}

/** A folder outside every workspace with .csv files in srv/exports, as in the report. */
export function victimDir(): string {
  const dir = tempDir('mesh-victim-');
  mkdirSync(path.join(dir, 'srv', 'exports'), { recursive: true });
  writeFileSync(path.join(dir, 'srv', 'exports', 'customers.csv'), 'id,email\n1,a@victim.example\n');
  writeFileSync(path.join(dir, 'srv', 'exports', 'orders.csv'), 'id,total\n1,9.5\n');
  return dir;
}

/** `s3://<bucket>/../../…/<target>/`: enough `..` to climb from the store's bucket folder to `/`, then `target`. */
export function traversalTo(root: string, bucket: string, target: string): string {
  const storeBucket = path.join(root, '.mesh', 'local', 's3', bucket);
  const ups = Math.max(10, storeBucket.split(path.sep).filter(Boolean).length);
  return `s3://${bucket}/${'../'.repeat(ups)}${path.relative('/', target)}/`;
}

/**
 * Every file and link under `dir` (skipping the top-level folders in `skip`), with a hash of its content or its link
 * target: equal snapshots mean nothing was created, changed or deleted.
 */
export function snapshot(dir: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      const rel = path.relative(dir, full);
      if (skip.includes(rel)) continue;
      const s = lstatSync(full);
      if (s.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(full)}`;
      else if (s.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(full);
      } else out[rel] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** `mesh <args> -C <root>` in this process (no --json: what a user sees). */
export function mesh(root: string, ...args: string[]): Promise<CliRun> {
  return runInProcess([...args, '-C', root]);
}

/** Replaces `find` in a workspace file (it must occur). */
export function editFile(root: string, rel: string, find: string, replace: string): void {
  const file = path.join(root, rel);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(find)) throw new Error(`fixture: "${find}" not in ${rel}`);
  writeFileSync(file, text.replace(find, replace));
}

/** Sets the podcasts product's table location. */
export function setPodcastsLocation(root: string, location: string): void {
  editFile(root, PODCASTS_CONTRACT, `location: s3://${PODCASTS_BUCKET}/products/podcasts/`, `location: ${JSON.stringify(location)}`);
}

/** Sets the locations the podcasts domain declares. */
export function setPodcastsDeclared(root: string, locations: readonly string[]): void {
  const file = path.join(root, PODCASTS_DOMAIN);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.set('locations', doc.createNode([...locations]));
  writeFileSync(file, doc.toString());
}

/**
 * A contract `evil` in the podcasts domain: the users product's columns (emails included), its table at `location`,
 * no sample data and no stream. What finding 2 published.
 */
export function writeEvilContract(root: string, location: string): string {
  const users = parseDocument(readFileSync(path.join(root, 'domains/users/products/users.odcs.yaml'), 'utf8'));
  users.set('id', 'urn:mesh:music:podcasts:evil');
  users.set('name', 'evil');
  users.set('domain', 'podcasts');
  users.set('dataProduct', 'evil');
  users.setIn(['schema', 0, 'name'], 'evil');
  users.setIn(['schema', 0, 'physicalName'], 'evil');
  users.setIn(['servers', 0, 'location'], location);
  users.set('customProperties', users.createNode([{ property: 'classification', value: 'confidential' }]));
  const rel = 'domains/podcasts/products/evil.odcs.yaml';
  writeFileSync(path.join(root, rel), users.toString());
  return rel;
}

/** 1-based line of the first line containing `marker` in a workspace file. */
export function lineOf(root: string, rel: string, marker: string): number {
  const lines = readFileSync(path.join(root, rel), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`fixture: "${marker}" not in ${rel}`);
  return index + 1;
}
