import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exists } from '../workspace/paths.js';

/** A file init will write: path relative to the destination root (forward slashes), and its bytes. */
export interface PlannedFile {
  readonly path: string;
  readonly content: Buffer;
}

/** Values for `%key%` placeholders, e.g. `{ name: 'songs', 'owner.team': 'catalog' }`. */
export type TemplateVariables = Readonly<Record<string, string>>;

/** The templates/ folder shipped with the package (src/scaffold and dist/scaffold are both two levels down). */
export function templatesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');
}

/** Replaces `%key%` for every key in `variables`; other `%…%` text (SQL LIKE patterns, say) is left alone. */
export function renderPlaceholders(text: string, variables: TemplateVariables): string {
  return text.replace(/%([A-Za-z][\w.]*)%/g, (whole, key: string) => variables[key] ?? whole);
}

const TEMPLATE_MARK = /\.template(?=\.[^./]+$|$)/;

/** `products/%name%.odcs.template.yaml` → `products/songs.odcs.yaml`; `_gitignore` → `.gitignore`. */
export function outputPath(relative: string, variables: TemplateVariables): string {
  const rendered = renderPlaceholders(relative, variables);
  return rendered
    .split('/')
    .map((segment) => (segment === '_gitignore' ? '.gitignore' : segment.replace(TEMPLATE_MARK, '')))
    .join('/');
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await walk(path.join(dir, entry.name), rel)));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}

/**
 * The files of a template folder, for writing under `destination` (relative). Only `*.template.*` files have their
 * placeholders rendered; everything else is copied byte for byte.
 */
export async function collectTemplate(templateDir: string, destination: string, variables: TemplateVariables): Promise<PlannedFile[]> {
  if ((await exists(templateDir)) !== 'dir') return [];
  const files: PlannedFile[] = [];
  for (const rel of await walk(templateDir)) {
    const bytes = await readFile(path.join(templateDir, rel));
    const content = TEMPLATE_MARK.test(path.basename(rel)) ? Buffer.from(renderPlaceholders(bytes.toString('utf8'), variables)) : bytes;
    const target = outputPath(rel, variables);
    files.push({ path: destination ? `${destination}/${target}` : target, content });
  }
  return files;
}

export function textFile(filePath: string, text: string): PlannedFile {
  return { path: filePath, content: Buffer.from(text) };
}
