/** Walks over the lineage graph; shared by the server and the front end (no Node import). */
import type { LineageGraph } from './model.js';

/** Every node reachable downstream of `start` along flow edges (start included). */
export function downstreamOf(graph: LineageGraph, start: string): Set<string> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) if (e.kind === 'flow') out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const next of out.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
