/**
 * Catalog search, shared by the API and the front end (answered as you type, in the browser, without a round trip).
 * A query is split into words; a product matches when every word is found in its name, description, domain, owner,
 * tags, or a column's name or description. Filters narrow by domain, classification, plane and owner team.
 */
import type { PortalProduct } from './model.js';

export interface SearchFilters {
  readonly domain?: string;
  readonly classification?: string;
  readonly plane?: string;
  readonly owner?: string;
}

export interface SearchHit {
  readonly product: PortalProduct;
  /** Columns whose name or description matched a word. */
  readonly columns: readonly string[];
  readonly score: number;
}

interface Indexed {
  readonly product: PortalProduct;
  readonly name: string;
  readonly text: string;
  readonly columns: readonly { readonly name: string; readonly text: string }[];
}

export class SearchIndex {
  private readonly items: readonly Indexed[];

  constructor(products: readonly PortalProduct[]) {
    this.items = products.map((p) => ({
      product: p,
      name: p.name.toLowerCase(),
      text: [p.name, p.description, p.domain, p.owner.team, p.classification ?? '', ...p.tags].join('\n').toLowerCase(),
      columns: p.columns.map((c) => ({ name: c.name, text: `${c.name}\n${c.description ?? ''}`.toLowerCase() })),
    }));
  }

  search(query: string, filters: SearchFilters = {}, limit = 200): { total: number; hits: SearchHit[] } {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 16);
    const hits: SearchHit[] = [];
    for (const item of this.items) {
      const p = item.product;
      if (filters.domain && p.domain !== filters.domain) continue;
      if (filters.classification && p.classification !== filters.classification) continue;
      if (filters.plane && !p.planes.includes(filters.plane)) continue;
      if (filters.owner && p.owner.team !== filters.owner) continue;
      let score = 0;
      const columns = new Set<string>();
      let all = true;
      for (const w of words) {
        let found = false;
        if (item.name === w) score += 100;
        else if (item.name.includes(w)) score += 50;
        if (item.name.includes(w) || item.text.includes(w)) {
          found = true;
          score += 10;
        }
        for (const c of item.columns) {
          if (c.text.includes(w)) {
            found = true;
            columns.add(c.name);
            score += c.name === w ? 30 : 5;
          }
        }
        if (!found) {
          all = false;
          break;
        }
      }
      if (all) hits.push({ product: p, columns: [...columns], score });
    }
    hits.sort((a, b) => b.score - a.score || a.product.name.localeCompare(b.product.name));
    return { total: hits.length, hits: hits.slice(0, limit) };
  }
}

/** The values each filter can take, for the filter menus. */
export function filterValues(products: readonly PortalProduct[]): Record<'domain' | 'classification' | 'plane' | 'owner', string[]> {
  const sorted = (values: Iterable<string>) => [...new Set(values)].filter(Boolean).sort();
  return {
    domain: sorted(products.map((p) => p.domain)),
    classification: sorted(products.map((p) => p.classification ?? '')),
    plane: sorted(products.flatMap((p) => p.planes)),
    owner: sorted(products.map((p) => p.owner.team)),
  };
}
