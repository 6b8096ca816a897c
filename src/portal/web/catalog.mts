/** The catalog page: search as you type (in the browser, over the loaded catalog) with filters. */
import type { PortalData } from '../model.js';
import { filterValues, SearchIndex } from '../search.js';
import { h, setMain } from './dom.mjs';

let index: { data: PortalData; index: SearchIndex } | undefined;

const FILTERS = [
  ['domain', 'Domain'],
  ['classification', 'Classification'],
  ['plane', 'Plane'],
  ['owner', 'Owner'],
] as const;

export function renderCatalog(data: PortalData, params: URLSearchParams): void {
  if (index?.data !== data) index = { data, index: new SearchIndex(data.products) };
  const search = index.index;
  const values = filterValues(data.products);
  const input = h('input', {
    id: 'search',
    type: 'search',
    placeholder: 'product, column, tag, owner…',
    autocomplete: 'off',
    value: params.get('q') ?? '',
  });
  const selects = FILTERS.map(([key, label]) => {
    const select = h('select', { id: `filter-${key}`, name: key }, h('option', { value: '' }, `any ${label.toLowerCase()}`));
    for (const v of values[key]) select.append(h('option', { value: v }, v));
    select.value = params.get(key) ?? '';
    return h('label', { class: 'filter' }, `${label} `, select);
  });
  const count = h('p', { id: 'result-count', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { id: 'results', class: 'results', 'aria-label': 'Products' });
  const update = () => {
    const filters = Object.fromEntries(
      FILTERS.map(([key]) => [key, (document.getElementById(`filter-${key}`) as HTMLSelectElement).value]),
    );
    const t0 = performance.now();
    const { total, hits } = search.search(input.value, filters, 100);
    list.replaceChildren(
      ...hits.map((hit) => {
        const p = hit.product;
        return h(
          'li',
          { class: 'result', 'data-product': p.name },
          h('h2', {}, h('a', { href: `#/product/${encodeURIComponent(p.name)}` }, p.name)),
          h(
            'p',
            { class: 'meta' },
            `${p.domain} · ${p.owner.team}${p.classification ? ` · ${p.classification}` : ''} · ${p.planes.join(' + ')}`,
          ),
          h('p', {}, p.description),
          hit.columns.length > 0 ? h('p', { class: 'matched' }, 'columns: ', ...hit.columns.map((c) => h('code', {}, c))) : null,
        );
      }),
    );
    count.textContent = `${total} product${total === 1 ? '' : 's'}${total > hits.length ? ` (first ${hits.length} shown)` : ''}`;
    count.dataset.ms = (performance.now() - t0).toFixed(1);
    const q = new URLSearchParams({
      ...(input.value ? { q: input.value } : {}),
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
    });
    history.replaceState(null, '', `#/${q.size > 0 ? `?${q}` : ''}`);
  };
  input.addEventListener('input', update);
  for (const label of selects) label.querySelector('select')?.addEventListener('change', update);
  setMain(
    'Catalog',
    h('h1', {}, `Data products of ${data.mesh}`),
    h(
      'form',
      { role: 'search', class: 'search', onsubmit: ((e: Event) => e.preventDefault()) as EventListener },
      h('label', { for: 'search' }, 'Search products, descriptions, columns and tags'),
      input,
      h('div', { class: 'filters' }, ...selects),
    ),
    count,
    list,
  );
  update();
  input.focus();
}
