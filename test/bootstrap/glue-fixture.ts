// A music workspace (test/catalog/fixtures.ts) whose consumer domain, recommendations, runs a transform as a Glue
// job (engine: glue): its domain role is what the job runs as.
import path from 'node:path';
import type { Transform, Workspace } from '../../src/workspace/model.js';

export const GLUE_DOMAIN = 'recommendations';

export function glueTransform(ws: Workspace): Transform {
  const dir = ws.domains.find((d) => d.name === GLUE_DOMAIN)?.dir ?? ws.root;
  return {
    name: 'items',
    sqlFile: path.join(dir, 'transforms', 'items.sql'),
    sql: 'SELECT song_id AS item_id, genre FROM songs',
    output: 'datasets/items.csv',
    engine: 'glue',
  };
}

/** The workspace with recommendations' transform `items` run by Glue. */
export function withGlueTransform(ws: Workspace): Workspace {
  return { ...ws, domains: ws.domains.map((d) => (d.name === GLUE_DOMAIN ? { ...d, transforms: [glueTransform(ws)] } : d)) };
}
