import { isMap, isSeq, parseDocument } from 'yaml';
import { MeshError } from '../core/errors.js';

/**
 * mesh.yaml with `entry` appended to its `domains` list, and, when mesh.yaml assigns accounts (`domainAccounts`), the
 * new domain's account added there (never changed when it is there already: `mesh validate` reports a mismatch). So
 * the pull request that adds a domain changes mesh.yaml, which its owners review. Edits the YAML document (not the
 * text), so comments and layout survive. Returns the text unchanged when there is nothing to add.
 */
export function addDomainToMeshFile(
  text: string,
  entry: string,
  assignment?: { readonly domain: string; readonly account: string },
): { text: string; changed: boolean } {
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
  let changed = false;
  const accounts = doc.get('domainAccounts', true);
  if (assignment && isMap(accounts) && !accounts.has(assignment.domain)) {
    accounts.flow = false;
    accounts.set(assignment.domain, doc.createNode(assignment.account));
    changed = true;
  }
  const domains = doc.get('domains', true);
  if (domains === undefined || domains === null || (isSeq(domains) && domains.items.length === 0)) {
    const seq = doc.createNode([entry]);
    seq.flow = false;
    const comment = isSeq(domains) ? domains.comment : undefined;
    if (comment) seq.comment = comment;
    doc.set('domains', seq);
    changed = true;
  } else if (isSeq(domains)) {
    const listed = domains.items.map((item) => String((item as { value?: unknown }).value ?? item));
    if (!listed.includes(entry) && !listed.includes(`${entry}/`)) {
      domains.flow = false;
      domains.add(doc.createNode(entry));
      changed = true;
    }
  } else {
    throw new MeshError('ConfigInvalid', 'mesh.yaml has "domains" but it is not a list; not changing it.', {
      hint: 'Write domains as a list of folders, e.g. domains: [domains/songs].',
    });
  }
  return changed ? { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), changed } : { text, changed };
}
