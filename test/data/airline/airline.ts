/** The airline fixture (README.md here): gzip-compressed CSV files in this folder, read and gunzipped in memory. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Datasets } from '../../../src/personalize/recommender/index.js';
import { parseInteractionsCsv, parseItemsCsv, parseUsersCsv } from '../../../src/personalize/recommender/index.js';

export const AIRLINE_DIR = path.dirname(fileURLToPath(import.meta.url));

export type AirlineFile = 'df_interactions.csv' | 'df_item_deduplicated.csv' | 'df_users_deduplicated.csv';

/** The text of one of the three CSV files. */
export function airlineText(file: AirlineFile): string {
  return gunzipSync(readFileSync(path.join(AIRLINE_DIR, `${file}.gz`))).toString('utf8');
}

/** The three datasets, parsed. */
export function loadAirline(): Datasets {
  return {
    interactions: parseInteractionsCsv(airlineText('df_interactions.csv')).records,
    items: parseItemsCsv(airlineText('df_item_deduplicated.csv')).records,
    users: parseUsersCsv(airlineText('df_users_deduplicated.csv')).records,
  };
}
