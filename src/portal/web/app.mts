/** The portal front end: a hash router over the catalog, product, lineage, access and live pages. */
import type { PortalData } from '../model.js';
import { openSource, type Source } from './api.mjs';
import { renderCatalog } from './catalog.mjs';
import { h, hashParams, setMain, table } from './dom.mjs';
import { renderLineage } from './lineage.mjs';
import { renderLive, stopLive } from './live.mjs';
import { renderProduct } from './product.mjs';

function renderAccess(data: PortalData, params: URLSearchParams): void {
  const producer = params.get('producer') ?? '';
  const select = h('select', { id: 'access-producer' }, h('option', { value: '' }, 'every producer'));
  for (const d of data.domains.filter((x) => x.kind !== 'consumer')) select.append(h('option', { value: d.name }, d.name));
  select.value = producer;
  select.addEventListener('change', () => {
    location.hash = `#/access${select.value ? `?producer=${encodeURIComponent(select.value)}` : ''}`;
  });
  const pending = data.access.filter((a) => a.status === 'pending' && (!producer || a.producer === producer));
  setMain(
    'Access requests',
    h('h1', {}, 'Pending access requests'),
    h('p', {}, 'Producers decide with mesh access approve or deny; the next mesh apply follows the files.'),
    h('label', { for: 'access-producer' }, 'Producer '),
    select,
    pending.length === 0
      ? h('p', { id: 'pending' }, 'Nothing pending.')
      : table(
          `${pending.length} pending`,
          ['Product', 'Producer', 'Consumer', 'Columns', 'Purpose', 'Requested', 'Decide with'],
          pending.map((a) => [
            h('a', { href: `#/product/${encodeURIComponent(a.product)}` }, a.product),
            a.producer,
            a.consumer,
            a.columns?.join(', ') ?? 'all',
            a.purpose ?? '',
            a.date ?? '',
            h('code', {}, `mesh access approve ${a.consumer}/${a.product}`),
          ]),
          { id: 'pending' },
        ),
  );
}

async function route(source: Source): Promise<void> {
  const { path, params } = hashParams();
  stopLive();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const target = a.getAttribute('href')?.replace(/^#/, '') ?? '';
    if ((target === '/' && (path === '/' || path.startsWith('/product'))) || (target !== '/' && path.startsWith(target)))
      a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  try {
    if (path === '/live') {
      if (!source.info.live)
        setMain('Live', h('h1', {}, 'Live'), h('p', {}, 'The live views are served by mesh portal and mesh dev, not by a static export.'));
      else renderLive();
      return;
    }
    const data = await source.data();
    if (path.startsWith('/product/'))
      renderProduct(data, decodeURIComponent(path.slice('/product/'.length)), source, () => void route(source));
    else if (path === '/lineage') renderLineage(data, params);
    else if (path === '/access') renderAccess(data, params);
    else renderCatalog(data, params);
  } catch (error) {
    setMain('Error', h('h1', {}, 'The portal could not load'), h('p', { class: 'error' }, (error as Error).message));
  }
  if (!path.startsWith('/') || path !== '/') (document.getElementById('main') as HTMLElement).focus({ preventScroll: true });
}

async function start(): Promise<void> {
  const source = await openSource();
  const mode = document.getElementById('mode') as HTMLElement;
  mode.textContent = source.static
    ? `${source.info.mesh} · static export`
    : `${source.info.mesh} · ${source.info.target}${source.info.allowWrites ? '' : ' · read-only'}`;
  (document.getElementById('nav-live') as HTMLElement).hidden = !source.info.live;
  window.addEventListener('hashchange', () => void route(source));
  await route(source);
  document.body.dataset.ready = 'true';
}

void start().catch((error: Error) => {
  setMain('Error', h('h1', {}, 'The portal could not load'), h('p', { class: 'error' }, error.message));
});
