/** Where a transform's rows go and how they are written (CSV), the same on both targets. */
import path from 'node:path';
import { MeshError } from '../core/errors.js';
import { refuseLinkBelow } from '../core/symbolic-links.js';
import type { Domain, Transform, Workspace } from '../workspace/model.js';

/**
 * Where a transform's result is written: `<localDir>/transforms/<domain>/<output>` (outside the source tree). Validation
 * keeps `output` inside the domain's folder; a path that would still leave the domain's output folder (another
 * domain's outputs, the local object store), or goes through a symbolic link, is refused here too, before anything
 * is written.
 */
export function transformOutputPath(workspace: Workspace, domain: Domain, transform: Pick<Transform, 'output'>): string {
  const base = path.resolve(workspace.mesh.localDir, 'transforms', domain.name);
  const file = path.resolve(base, transform.output);
  const rel = path.relative(base, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new MeshError(
      'PathOutsideStore',
      `The output of a ${domain.name} transform ("${transform.output}") points outside ${domain.name}'s output folder.`,
      {
        hint: `Write the output as a file inside the domain folder, e.g. datasets/items.csv, in ${domain.file}.`,
        details: { path: file },
      },
    );
  }
  // No link from the workspace down to the file (`.mesh`, `.mesh/local/transforms/<domain>`, a folder of the output):
  // a write through one would replace whatever file it leads to with the domain's rows.
  refuseLinkBelow(workspace.root, file, "mesh writes a transform's output");
  return file;
}

/** CSV text: header row, then one line per row; fields quoted when they hold a comma, quote or line break. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
          : String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
