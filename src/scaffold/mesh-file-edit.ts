import { isSeq, parseDocument } from 'yaml';
import { MeshError } from '../core/errors.js';

/**
 * mesh.yaml with `entry` appended to its `domains` list. Edits the YAML document (not the text), so comments and
 * layout survive. Returns the text unchanged when the entry is already listed.
 */
export function addDomainToMeshFile(text: string, entry: string): { text: string; changed: boolean } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new MeshError(
      'ConfigInvalid',
      `mesh.yaml is not valid YAML (${doc.errors[0]?.message.split('\n')[0] ?? 'parse error'}); not changing it.`,
      {
        hint: 'Fix it first: `mesh validate` shows where.',
      },
    );
  }
  const domains = doc.get('domains', true);
  if (domains === undefined || domains === null || (isSeq(domains) && domains.items.length === 0)) {
    const seq = doc.createNode([entry]);
    seq.flow = false;
    const comment = isSeq(domains) ? domains.comment : undefined;
    if (comment) seq.comment = comment;
    doc.set('domains', seq);
  } else if (isSeq(domains)) {
    const listed = domains.items.map((item) => String((item as { value?: unknown }).value ?? item));
    if (listed.includes(entry) || listed.includes(`${entry}/`)) return { text, changed: false };
    domains.flow = false;
    domains.add(doc.createNode(entry));
  } else {
    throw new MeshError('ConfigInvalid', 'mesh.yaml has "domains" but it is not a list; not changing it.', {
      hint: 'Write domains as a list of folders, e.g. domains: [domains/songs].',
    });
  }
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), changed: true };
}
