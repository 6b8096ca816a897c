/**
 * The lineage graph of a workspace, from producers to consumers: domains own products; a product flows to its
 * stream topic, to the domains subscribed to its table and to the transforms that read it; a topic flows to the
 * functions subscribed to it; a function flows into its domain and into the Personalize datasets it writes (by its
 * PutEvents / PutItems / PutUsers permissions); datasets flow into the campaigns (one per solution).
 */
import { sqlNameOf } from '../catalog/names.js';
import type { PersonalizeConfig } from '../personalize/config.js';
import type { Domain, Workspace } from '../workspace/model.js';
import type { LineageEdge, LineageGraph, LineageNode } from './model.js';

const productHref = (name: string) => `#/product/${encodeURIComponent(name)}`;
const domainHref = (name: string) => `#/?domain=${encodeURIComponent(name)}`;

/** personalize.yaml of a domain, or undefined when it cannot be read (the graph then shows no datasets). */
export type PersonalizeLoader = (domain: Domain) => PersonalizeConfig | undefined;

export function buildLineage(ws: Workspace, personalize: PersonalizeLoader): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const node = (n: LineageNode) => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
    return n.id;
  };
  const edge = (source: string, target: string, kind: LineageEdge['kind'], label?: string) => {
    const key = `${source}→${target}`;
    if (!edges.has(key)) edges.set(key, { source, target, kind, ...(label ? { label } : {}) });
  };
  for (const d of ws.domains) node({ id: `domain:${d.name}`, kind: 'domain', label: d.name, href: domainHref(d.name) });
  for (const p of ws.products) {
    const id = node({ id: `product:${p.name}`, kind: 'product', label: p.name, href: productHref(p.name) });
    if (nodes.has(`domain:${p.domain}`)) edge(`domain:${p.domain}`, id, 'owns');
    if (p.stream)
      edge(id, node({ id: `topic:${p.stream.topic}`, kind: 'topic', label: p.stream.topic, href: productHref(p.name) }), 'flow');
  }
  for (const d of ws.domains) {
    const datasets = new Map<string, string>();
    const config = d.personalizeFile ? personalize(d) : undefined;
    if (config) {
      const campaigns = config.solutions.map((s) =>
        node({ id: `campaign:${d.name}/${s.name}`, kind: 'campaign', label: `campaign ${s.name}`, href: domainHref(d.name) }),
      );
      for (const [type, dataset] of Object.entries(config.datasets)) {
        if (!dataset) continue;
        const id = node({ id: `dataset:${d.name}/${type}`, kind: 'dataset', label: `${type} dataset`, href: domainHref(d.name) });
        datasets.set(type, id);
        for (const c of campaigns) edge(id, c, 'flow');
        if (dataset.source.kind === 'product' && nodes.has(`product:${dataset.source.product}`)) {
          edge(`product:${dataset.source.product}`, id, 'flow', 'import');
        }
      }
      for (const [type, dataset] of Object.entries(config.datasets)) {
        if (dataset?.source.kind === 'transform') {
          const t = `transform:${d.name}/${dataset.source.transform}`;
          const target = datasets.get(type);
          if (target)
            edge(
              node({ id: t, kind: 'transform', label: `transform ${dataset.source.transform}`, href: domainHref(d.name) }),
              target,
              'flow',
            );
        }
      }
    }
    for (const s of d.subscriptions) {
      const product = ws.products.find((p) => p.name === s.product);
      if (!product) continue;
      const from = `product:${product.name}`;
      if (s.table) edge(from, `domain:${d.name}`, 'flow', 'table');
      if (s.stream && product.stream) {
        const fn = node({
          id: `function:${d.name}/${s.stream.function}`,
          kind: 'function',
          label: s.stream.function,
          href: domainHref(d.name),
        });
        edge(`topic:${product.stream.topic}`, fn, 'flow', 'stream');
        edge(fn, `domain:${d.name}`, 'flow');
        const actions = s.stream.permissions.flatMap((p) => p.actions);
        const writes: [string, string][] = [
          ['personalize:PutEvents', 'interactions'],
          ['personalize:PutItems', 'items'],
          ['personalize:PutUsers', 'users'],
        ];
        for (const [action, type] of writes) {
          const dataset = datasets.get(type);
          if (dataset && actions.includes(action)) edge(fn, dataset, 'flow', action.split(':')[1]);
        }
      }
    }
    for (const t of d.transforms) {
      const id = node({ id: `transform:${d.name}/${t.name}`, kind: 'transform', label: `transform ${t.name}`, href: domainHref(d.name) });
      const sql = t.sql.toLowerCase();
      for (const s of d.subscriptions) {
        const name = sqlNameOf(s.product).toLowerCase();
        if (new RegExp(`\\b${name.replace(/[^a-z0-9_]/g, '')}\\b`).test(sql)) edge(`product:${s.product}`, id, 'flow', 'sql');
      }
      edge(id, `domain:${d.name}`, 'flow');
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()].filter((e) => nodes.has(e.source) && nodes.has(e.target)) };
}
