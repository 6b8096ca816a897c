/**
 * The local object store: `s3://bucket/key` lives at `<localDir>/s3/<bucket>/<key>`. A location that is a plain
 * path (not s3://) is used where it is.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TableFormat } from '../../workspace/model.js';
import { extensionsOf } from '../formats.js';
import { parseS3 } from '../names.js';

export function objectStoreRoot(localDir: string): string {
  return path.join(localDir, 's3');
}

/** The folder on disk that holds a table location's files. */
export function locationDir(localDir: string, location: string): string {
  const s3 = parseS3(location);
  if (!s3) return path.resolve(location);
  return path.join(objectStoreRoot(localDir), s3.bucket, ...s3.key.split('/').filter((p) => p.length > 0));
}

const hasExtension = (file: string, format: TableFormat) => extensionsOf(format).some((ext) => file.toLowerCase().endsWith(ext));

/** The data files of a table (recursively, for partition folders), sorted. */
export function dataFiles(dir: string, format: TableFormat): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (hasExtension(name, format)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/**
 * Puts a product's sample file at its location. In the object store (an s3:// location) it replaces the data files
 * there; a plain-path location is the user's folder, so nothing there is removed, and a sample already inside it
 * stays where it is.
 */
export function storeSample(dir: string, sample: string, format: TableFormat, inObjectStore: boolean): string {
  const target = path.join(dir, path.basename(sample));
  if (path.resolve(sample) === path.resolve(target)) return target;
  mkdirSync(dir, { recursive: true });
  if (inObjectStore) for (const old of dataFiles(dir, format)) if (old !== target) rmSync(old);
  copyFileSync(sample, target);
  return target;
}
