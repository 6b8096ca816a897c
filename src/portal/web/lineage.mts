/**
 * The lineage graph (Cytoscape.js, bundled): producers on the left, consumers on the right. Clicking a product
 * highlights everything downstream of it (the impact of a change; double click opens its page); clicking any other
 * node opens its page. The same graph is listed as links below the canvas, for keyboard and screen-reader users.
 */
import cytoscape from 'cytoscape';
import { downstreamOf } from '../lineage-graph.js';
import type { LineageGraph, PortalData } from '../model.js';
import { h, setMain } from './dom.mjs';

const COLORS: Record<string, string> = {
  domain: '#3b4a6b',
  product: '#0b6e4f',
  topic: '#8a4f00',
  function: '#6a3d9a',
  transform: '#a0285a',
  dataset: '#1f5f99',
  campaign: '#8b1a1a',
};

let cy: cytoscape.Core | undefined;

function highlight(graph: LineageGraph, focus: string | undefined, list: HTMLElement, status: HTMLElement): void {
  const down = focus ? downstreamOf(graph, focus) : new Set<string>();
  cy?.batch(() => {
    cy?.elements().removeClass('downstream faded focus');
    if (!focus) return;
    cy?.nodes().forEach((n) => {
      n.addClass(down.has(n.id()) ? 'downstream' : 'faded');
    });
    cy?.edges().forEach((e) => {
      e.addClass(down.has(e.source().id()) && down.has(e.target().id()) ? 'downstream' : 'faded');
    });
    cy?.getElementById(focus).addClass('focus');
  });
  for (const li of list.querySelectorAll<HTMLElement>('li[data-id]')) {
    if (focus && down.has(li.dataset.id ?? '')) li.dataset.downstream = 'true';
    else delete li.dataset.downstream;
  }
  const label = graph.nodes.find((n) => n.id === focus)?.label;
  status.textContent = focus ? `Downstream of ${label}: ${down.size - 1} node(s).` : 'Click a product to see what depends on it.';
}

export function renderLineage(data: PortalData, params: URLSearchParams): void {
  const graph = data.lineage;
  const container = h('div', {
    id: 'lineage',
    class: 'lineage',
    role: 'img',
    'aria-label': 'Lineage graph; the same graph is listed below.',
  });
  const status = h('p', { id: 'lineage-status', role: 'status' });
  const list = h('ul', { id: 'lineage-list', class: 'lineage-list', 'aria-label': 'Lineage nodes' });
  const setFocus = (id: string | undefined) => {
    history.replaceState(null, '', `#/lineage${id ? `?focus=${encodeURIComponent(id)}` : ''}`);
    highlight(graph, id, list, status);
  };
  for (const n of graph.nodes) {
    const outs = graph.edges
      .filter((e) => e.source === n.id && e.kind === 'flow')
      .map((e) => graph.nodes.find((x) => x.id === e.target)?.label);
    list.append(
      h(
        'li',
        { 'data-id': n.id, 'data-kind': n.kind },
        h('span', { class: `kind kind-${n.kind}` }, n.kind),
        ' ',
        n.href ? h('a', { href: n.href }, n.label) : n.label,
        n.kind === 'product'
          ? h('button', { type: 'button', class: 'link', onclick: (() => setFocus(n.id)) as EventListener }, 'show downstream')
          : null,
        outs.length > 0 ? h('span', { class: 'muted' }, ` → ${outs.join(', ')}`) : null,
      ),
    );
  }
  setMain(
    'Lineage',
    h('h1', {}, 'Lineage'),
    h('p', {}, 'Domains, products, topics, functions, transforms and Personalize datasets, from producers to consumers.'),
    status,
    container,
    h('h2', {}, 'Nodes'),
    list,
  );
  cy?.destroy();
  cy = cytoscape({
    container,
    elements: [
      ...graph.nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind, href: n.href ?? '' } })),
      ...graph.edges.map((e) => ({ data: { id: `${e.source}→${e.target}`, source: e.source, target: e.target, kind: e.kind } })),
    ],
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)',
          'background-color': (n: cytoscape.NodeSingular) => COLORS[n.data('kind') as string] ?? '#555',
          color: '#1a1a1a',
          'font-size': 11,
          'text-valign': 'bottom',
          'text-margin-y': 4,
          width: 22,
          height: 22,
        },
      },
      { selector: 'node[kind = "domain"]', style: { shape: 'round-rectangle', width: 34 } },
      { selector: 'node[kind = "topic"]', style: { shape: 'diamond' } },
      { selector: 'node[kind = "campaign"]', style: { shape: 'star', width: 28, height: 28 } },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': '#999',
          'target-arrow-color': '#999',
          'target-arrow-shape': 'triangle',
          'curve-style': 'bezier',
        },
      },
      { selector: 'edge[kind = "owns"]', style: { 'line-style': 'dashed' } },
      { selector: '.faded', style: { opacity: 0.2 } },
      { selector: 'node.downstream', style: { 'border-width': 3, 'border-color': '#e0a800' } },
      { selector: 'edge.downstream', style: { 'line-color': '#e0a800', 'target-arrow-color': '#e0a800', width: 3 } },
      { selector: 'node.focus', style: { 'border-width': 5, 'border-color': '#c2185b' } },
    ],
    layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1, padding: 20 },
    wheelSensitivity: 0.3,
  });
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  cy.on('tap', 'node', (event) => {
    const n = event.target as cytoscape.NodeSingular;
    if (n.data('kind') === 'product') setFocus(n.id());
    else if (n.data('href')) location.hash = n.data('href') as string;
  });
  cy.on('dbltap', 'node[kind = "product"]', (event) => {
    location.hash = (event.target as cytoscape.NodeSingular).data('href') as string;
  });
  cy.on('tap', (event) => {
    if (event.target === cy) setFocus(undefined);
  });
  highlight(graph, params.get('focus') ?? undefined, list, status);
}
