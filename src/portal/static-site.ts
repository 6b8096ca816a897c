/**
 * `mesh portal build --out DIR`: the catalog, product pages and lineage as a static site (no live parts, no sample
 * rows, no requests). The data is inlined as a script (data.js), so the site opens from file:// as well as from
 * any static host.
 */
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MeshError } from '../core/errors.js';
import { refuseLinkBelow } from '../core/symbolic-links.js';
import type { Target, Workspace } from '../workspace/model.js';
import { readAsset } from './assets.js';
import { portalSnapshot, type SnapshotOptions } from './snapshot.js';

export interface StaticSiteResult {
  readonly out: string;
  readonly files: readonly string[];
  readonly products: number;
}

const FILES = ['index.html', 'app.js', 'app.css', 'data.js'];

export async function buildStaticSite(
  ws: Workspace,
  target: Target,
  outDir: string,
  options: SnapshotOptions = {},
): Promise<StaticSiteResult> {
  const out = path.resolve(outDir);
  // The folder itself may not be a link either (the files are checked below).
  refuseLinkBelow(path.dirname(out), out, 'mesh portal build writes its export');
  await mkdir(out, { recursive: true });
  const existing = await readdir(out);
  const foreign = existing.filter((f) => !FILES.includes(f));
  if (foreign.length > 0) {
    throw new MeshError(
      'OutputNotEmpty',
      `${out} holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}).`,
      {
        hint: 'Give an empty or new folder with --out (a previous export there is overwritten).',
      },
    );
  }
  // A previous export is overwritten; anything else under those names (a symbolic link a workspace can ship in its
  // output folder, leading to any file of the machine) is not written through.
  for (const name of existing) {
    const stat = await lstat(path.join(out, name));
    if (!stat.isFile()) {
      throw new MeshError(
        'OutputNotEmpty',
        `${path.join(out, name)} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a file'}: the export writes only plain files of its own there.`,
        { hint: `Remove ${path.join(out, name)} (and check where it led), or give an empty or new folder with --out.` },
      );
    }
  }
  const data = await portalSnapshot(ws, target, options);
  // `<` escaped so that no string in the data can close the script element.
  const script = `window.__MESH_PORTAL__ = ${JSON.stringify(data).replace(/</g, '\\u003c')};\n`;
  const index = (await readAsset('index.html')).toString('utf8').replace('<!--static-data-->', '<script src="data.js"></script>');
  await writeFile(path.join(out, 'index.html'), index.replace(/\/portal\/app\./g, 'app.'));
  await writeFile(path.join(out, 'app.js'), await readAsset('app.js'));
  await writeFile(path.join(out, 'app.css'), await readAsset('app.css'));
  await writeFile(path.join(out, 'data.js'), script);
  return { out, files: FILES, products: data.products.length };
}
