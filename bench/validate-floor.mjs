// The floor under `mesh validate`: the least a validator of this workspace must do with the libraries mesh reads its
// files with (yaml for the YAML with positions, zod for the schemas, avsc for the event schemas), and nothing else.
// It walks the workspace, parses every .yaml/.yml file into a document with positions and checks its plain value
// against one small zod object schema, and parses every .avsc file with avsc's types-only entry (the one mesh loads).
// No rules, no model, no command line, no output formatting. bench/cli-startup.mjs bundles this file with esbuild into
// one minified CommonJS file (the fastest shape Node loads) and runs it the way bin/mesh.cjs runs the CLI, with the
// compile cache where Node has one: its time is a lower bound for any validator built on these three libraries.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import avsc from 'avsc/etc/browser/avsc-types.js';
import { parseDocument } from 'yaml';
import { z } from 'zod';

const Header = z.object({ apiVersion: z.string(), kind: z.string() }).passthrough();

function filesUnder(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(file, found);
    else if (/\.(ya?ml|avsc)$/.test(entry.name)) found.push(file);
  }
  return found;
}

let documents = 0;
let eventSchemas = 0;
for (const file of filesUnder(process.argv[2] ?? process.cwd())) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.avsc')) {
    avsc.Type.forSchema(JSON.parse(text));
    eventSchemas++;
  } else {
    Header.safeParse(parseDocument(text).toJS());
    documents++;
  }
}
if (documents === 0) throw new Error('no YAML file found: run it in a workspace');
process.stdout.write(`${documents} YAML documents, ${eventSchemas} event schemas\n`);
