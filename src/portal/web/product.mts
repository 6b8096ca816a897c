/** A product's page: contract, ports, owner, subscribers, sample rows as a chosen domain, access requests. */
import type { PortalData, PortalProduct } from '../model.js';
import { api, type Source } from './api.mjs';
import { h, setMain, table } from './dom.mjs';

interface SampleRows {
  domain: string;
  columns: string[];
  rows: Record<string, unknown>[];
  hidden: string[];
}

/** Said on the page rendered after a request (the request re-renders the product with its new state). */
let notice: string | undefined;

const yes = (b: boolean) => (b ? 'yes' : 'no');

function contract(p: PortalProduct): HTMLElement {
  return table(
    `Contract: ${p.columns.length} columns`,
    ['Column', 'Type', 'Required', 'PII', 'Description'],
    p.columns.map((c) => [
      h('code', {}, c.name),
      c.type,
      yes(c.required),
      c.pii ? h('span', { class: 'pii' }, 'PII') : 'no',
      [c.primaryKey ? 'primary key. ' : '', c.partitionKey ? 'partition key. ' : '', c.description ?? ''].join(''),
    ]),
    { id: 'columns' },
  );
}

function subscribers(p: PortalProduct): HTMLElement {
  if (p.subscribers.length === 0) return h('p', { id: 'subscribers' }, 'No domain subscribes to it yet.');
  return table(
    'Subscribers',
    ['Domain', 'Table', 'Stream', 'Grant'],
    p.subscribers.map((s) => [
      h('a', { href: `#/?domain=${encodeURIComponent(s.domain)}` }, s.domain),
      s.table === undefined ? '-' : s.table === 'all' ? 'all columns' : s.table.join(', '),
      s.stream ? `${s.stream.function} (group ${s.stream.group})${s.stream.deployment ? `, ${s.stream.deployment}` : ''}` : '-',
      s.granted ? 'granted' : (s.access ?? 'not granted'),
    ]),
    { id: 'subscribers' },
  );
}

function sampleSection(p: PortalProduct, data: PortalData): HTMLElement {
  const select = h('select', { id: 'sample-domain' });
  for (const d of data.domains) select.append(h('option', { value: d.name }, d.name));
  const firstReader = p.subscribers.find((s) => s.table)?.domain ?? p.domain;
  select.value = firstReader;
  const out = h('div', { id: 'sample', 'aria-live': 'polite' });
  const show = async () => {
    out.replaceChildren(h('p', {}, 'Reading…'));
    try {
      const s = await api<SampleRows>(`products/${encodeURIComponent(p.name)}/sample?domain=${encodeURIComponent(select.value)}&limit=10`);
      out.replaceChildren(
        h(
          'p',
          { id: 'sample-hidden' },
          s.hidden.length > 0 ? `Hidden from ${s.domain} (no grant): ${s.hidden.join(', ')}` : `${s.domain} may read every column.`,
        ),
        table(
          `${s.rows.length} rows as ${s.domain}`,
          s.columns,
          s.rows.map((r) => s.columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c])))),
          { id: 'sample-rows' },
        ),
      );
    } catch (error) {
      out.replaceChildren(h('p', { class: 'error', id: 'sample-error' }, (error as Error).message));
    }
  };
  return h(
    'section',
    { 'aria-labelledby': 'sample-title' },
    h('h2', { id: 'sample-title' }, 'Sample rows'),
    h('p', {}, 'Read through the same grants as mesh query: columns the domain may not read are not shown.'),
    h('label', { for: 'sample-domain' }, 'Read as domain '),
    select,
    ' ',
    h('button', { type: 'button', id: 'sample-show', onclick: (() => void show()) as EventListener }, 'Show rows'),
    out,
  );
}

/** On aws the portal reads no rows (see routes.ts, sampleRowsLocalOnly): say so where the rows would be. */
function sampleLocalOnly(): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'sample-title' },
    h('h2', { id: 'sample-title' }, 'Sample rows'),
    h(
      'p',
      { id: 'sample-local-only' },
      'Sample rows are a local-target feature (read like mesh query --domain). On aws, query the resource link in the consumer account with Athena, as that domain.',
    ),
  );
}

interface HistoryEntry {
  commit: string;
  date: string;
  author: string;
  subject: string;
  version?: string;
  breaking: string[];
  added: string[];
}

function historySection(p: PortalProduct): HTMLElement {
  const out = h('div', { id: 'history' }, 'Reading git…');
  void api<{ history: HistoryEntry[] }>(`products/${encodeURIComponent(p.name)}/history`)
    .then(({ history }) => {
      out.replaceChildren(
        history.length === 0
          ? h('p', {}, 'No git history for this contract (the workspace is not in a git repository, or the file is not committed).')
          : table(
              'Commits that changed the contract, newest first',
              ['Version', 'Date', 'Author', 'Change', 'Breaking'],
              history.map((e) => [
                e.version ?? '',
                e.date.slice(0, 10),
                e.author,
                `${e.subject}${e.added.length ? ` (added ${e.added.join(', ')})` : ''}`,
                e.breaking.length ? h('strong', { class: 'breaking' }, `breaking: ${e.breaking.join('; ')}`) : '',
              ]),
              { id: 'history-table' },
            ),
      );
    })
    .catch((error: Error) => out.replaceChildren(h('p', { class: 'error' }, error.message)));
  return h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Version history'), out);
}

function accessSection(p: PortalProduct, data: PortalData, source: Source, rerender: () => void): HTMLElement {
  const requests = data.access.filter((a) => a.product === p.name);
  const section = h(
    'section',
    { 'aria-labelledby': 'access-title' },
    h('h2', { id: 'access-title' }, 'Access'),
    h('p', {}, `Policy: ${p.policy ?? 'by classification'}.`),
    requests.length === 0
      ? h('p', { id: 'access-requests' }, 'No access requests.')
      : table(
          'Access requests',
          ['Consumer', 'Status', 'Columns', 'Purpose', 'Date'],
          requests.map((a) => [
            a.consumer,
            h('span', { class: `status-${a.status}` }, a.status),
            a.columns?.join(', ') ?? 'all',
            a.purpose ?? '',
            a.date ?? '',
          ]),
          { id: 'access-requests' },
        ),
  );
  if (!source.info.allowWrites) {
    if (!source.static)
      section.append(h('p', { class: 'muted' }, 'Read-only portal: start it with --allow-writes to request access here.'));
    return section;
  }
  const consumers = data.domains.filter((d) => d.name !== p.domain && d.kind !== 'producer');
  const domain = h('select', { id: 'request-domain', name: 'domain' }, ...consumers.map((d) => h('option', { value: d.name }, d.name)));
  const purpose = h('input', { id: 'request-purpose', name: 'purpose', required: true });
  const columns = h('fieldset', {}, h('legend', {}, 'Columns (none ticked: the whole table)'));
  for (const c of p.columns) {
    columns.append(h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'columns', value: c.name }), ` ${c.name}`));
  }
  const result = h('p', { id: 'request-result', role: 'status' }, notice ?? '');
  notice = undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    const picked = [...columns.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
    try {
      const r = await api<{ status: string; file: string }>('access/request', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          product: p.name,
          domain: domain.value,
          purpose: purpose.value,
          ...(picked.length ? { columns: picked } : {}),
        }),
      });
      notice = `Requested: ${r.status} (written to ${r.file}).`;
      source.refresh();
      rerender();
    } catch (error) {
      result.textContent = (error as Error).message;
      result.className = 'error';
    }
  };
  section.append(
    h(
      'form',
      { id: 'request-form', onsubmit: ((e: Event) => void submit(e)) as EventListener },
      h('h3', {}, 'Request access'),
      h('label', { for: 'request-domain' }, 'As domain '),
      domain,
      h('label', { for: 'request-purpose' }, 'Purpose '),
      purpose,
      columns,
      h('button', { type: 'submit' }, 'Request access'),
    ),
    result,
  );
  return section;
}

export function renderProduct(data: PortalData, name: string, source: Source, rerender: () => void): void {
  const p = data.products.find((x) => x.name === name);
  if (!p) {
    setMain(
      'Not found',
      h('h1', {}, 'No such product'),
      h('p', {}, `No product is named "${name}". `, h('a', { href: '#/' }, 'Back to the catalog')),
    );
    return;
  }
  const t = p.ports.table;
  const s = p.ports.stream;
  const owner = data.domains.find((d) => d.name === p.domain);
  setMain(
    p.name,
    h('h1', {}, p.name, p.version ? h('span', { class: 'muted' }, ` v${p.version}`) : null),
    h('p', {}, p.description),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Domain'),
      h('dd', {}, p.domain),
      h('dt', {}, 'Owner'),
      h(
        'dd',
        {},
        p.owner.team,
        p.owner.contact ? ' · ' : '',
        p.owner.contact ? h('a', { href: `mailto:${p.owner.contact}` }, p.owner.contact) : null,
      ),
      h('dt', {}, 'Classification'),
      h('dd', {}, p.classification ?? '-'),
      h('dt', {}, 'Table port'),
      h(
        'dd',
        {},
        t
          ? `${t.name} (${t.format}) at ${t.location}${t.partitionKeys.length ? `, partitioned by ${t.partitionKeys.join(', ')}` : ''}`
          : '-',
      ),
      h('dt', {}, 'Stream port'),
      h('dd', {}, s ? `${s.topic} (${s.encoding}${s.partitions ? `, ${s.partitions} partitions` : ''})` : '-'),
      h('dt', {}, 'Published'),
      h('dd', {}, p.published ? 'yes' : 'no'),
    ),
    owner?.description ? h('p', { class: 'muted' }, `${owner.name}: ${owner.description}`) : null,
    h('p', {}, h('a', { href: `#/lineage?focus=${encodeURIComponent(`product:${p.name}`)}` }, 'Impact: what is downstream of it')),
    h('section', { 'aria-labelledby': 'contract-title' }, h('h2', { id: 'contract-title' }, 'Contract'), contract(p)),
    h('section', { 'aria-labelledby': 'subscribers-title' }, h('h2', { id: 'subscribers-title' }, 'Subscribers'), subscribers(p)),
    source.static ? null : historySection(p),
    source.static ? null : source.info.target === 'local' ? sampleSection(p, data) : sampleLocalOnly(),
    accessSection(p, data, source, rerender),
  );
}
