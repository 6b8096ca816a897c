/** `mesh catalog`'s table and `mesh describe`'s page of one product. */
import type { CatalogEntry } from '../../catalog/discovery.js';
import { formatTable, type Output } from '../../io/output.js';

function subscriberText(e: CatalogEntry): string {
  return e.subscribers.map((s) => `${s.domain ?? s.principal}${s.columns === 'all' ? '' : `(${s.columns.join(',')})`}`).join(', ') || '-';
}

export function renderCatalog(entries: readonly CatalogEntry[], output: Output): string {
  if (entries.length === 0) return 'No products found.';
  const rows = entries.map((e) => [
    e.name,
    e.domain,
    e.owner.team,
    e.ports.table ? (e.published ? `${e.ports.table.database}.${e.ports.table.table}` : '(not published)') : '-',
    e.ports.stream?.topic ?? '-',
    String(e.columns.length),
    subscriberText(e),
  ]);
  const table = formatTable(['product', 'domain', 'owner', 'table', 'stream', 'columns', 'subscribers'], rows);
  const [head, ...rest] = table.split('\n');
  return [
    output.style.bold(head ?? ''),
    ...rest,
    '',
    output.style.dim(`${entries.length} product(s). \`mesh describe <product>\` shows one.`),
  ].join('\n');
}

export function renderProduct(e: CatalogEntry, output: Output): string {
  const s = output.style;
  const t = e.ports.table;
  const owner = `${e.owner.team}${e.owner.contact ? ` <${e.owner.contact}>` : ''}`;
  const header = [
    `${s.bold(e.name)}${e.version ? ` v${e.version}` : ''}${e.id ? s.dim(`  ${e.id}`) : ''}`,
    ...(e.description ? [`  ${e.description}`] : []),
    `  domain: ${e.domain}   owner: ${owner}${e.classification ? `   classification: ${e.classification}` : ''}`,
    `  published: ${e.published ? 'yes' : `no (run \`mesh publish-product ${e.name}\`)`}`,
  ];
  if (t) {
    const where = e.published ? `${t.database}.${t.table}  ` : '';
    const partitions = t.partitionKeys.length > 0 ? `, partitioned by ${t.partitionKeys.join(', ')}` : '';
    header.push(`  table:  ${where}${t.location} (${t.format}${partitions})`);
  }
  if (e.ports.stream) header.push(`  stream: ${e.ports.stream.topic} (${e.ports.stream.encoding})`);
  const schema = formatTable(
    ['column', 'type', 'notes', 'description'],
    e.columns.map((c) => [
      c.name,
      c.type,
      [c.partitionKey ? 'partition key' : '', c.pii ? 'PII' : ''].filter(Boolean).join(', ') || '-',
      c.description ?? '',
    ]),
  );
  return [...header, '', s.bold('Schema'), schema, '', `${s.bold('Subscribers')}: ${subscriberText(e)}`].join('\n');
}
