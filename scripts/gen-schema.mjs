#!/usr/bin/env node
// Writes the JSON Schemas editors use for mesh.yaml, domain.yaml and product contracts (schema/*.schema.json),
// generated from the zod schemas in dist/ (run `npm run build` first). `npm run schema` runs it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { meshFileSchema } = await import(dist('workspace/mesh-schema.js'));
const { domainFileSchema } = await import(dist('workspace/domain-schema.js'));
const { productEditorSchema } = await import(dist('workspace/product-schema.js'));

const targets = [
  ['mesh.schema.json', meshFileSchema, 'mesh.yaml'],
  ['domain.schema.json', domainFileSchema, 'domain.yaml'],
  ['product.schema.json', productEditorSchema(), 'data product contract (ODCS v3.0.2 subset mesh checks)'],
];
await mkdir(path.join(root, 'schema'), { recursive: true });
for (const [file, schema, title] of targets) {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  const doc = { $schema: json.$schema, $id: `https://unpkg.com/mesh-cli/schema/${file}`, title: `mesh: ${title}`, ...json };
  await writeFile(path.join(root, 'schema', file), `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`schema/${file}\n`);
}
