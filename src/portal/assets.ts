/**
 * The bundled front end (scripts/build-portal.mjs writes it to dist/portal/static at build time): index.html, app.js,
 * app.css. Read once and kept in memory. Nothing is fetched from a CDN.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeshError } from '../core/errors.js';

export type AssetName = 'index.html' | 'app.js' | 'app.css';

const here = path.dirname(fileURLToPath(import.meta.url));

/** dist/portal/static next to this module once built; from src/ (tests in-process), the built one in dist/. */
export function assetsDir(): string {
  const candidates = [path.join(here, 'static'), path.join(here, '..', '..', 'dist', 'portal', 'static')];
  const found = candidates.find((d) => existsSync(path.join(d, 'app.js')));
  if (!found) {
    throw new MeshError('PortalNotBuilt', 'The portal front end is not built.', { hint: 'Run `npm run build` (it bundles the portal).' });
  }
  return found;
}

const cache = new Map<AssetName, Promise<Buffer>>();

export function readAsset(name: AssetName): Promise<Buffer> {
  let asset = cache.get(name);
  if (!asset) {
    asset = readFile(path.join(assetsDir(), name));
    cache.set(name, asset);
    asset.catch(() => cache.delete(name));
  }
  return asset;
}
