import path from 'node:path';
import { parse, parseDocument } from 'yaml';
import type { Target } from '../workspace/model.js';
import { generateMusicData } from './music-data.js';
import { demoPodcastListens, musicCsvFiles } from './music-files.js';
import { type ExportColumn, planHandlerFiles, planPersonalizeFiles, producerVariables, setDomainField } from './plan-domain.js';
import { collectTemplate, type PlannedFile, templatesDir, textFile } from './template-files.js';

export const EXAMPLES = ['music-streaming'] as const;
/** New podcast listens by the demo user, for `mesh events produce interactions --file`. */
export const DEMO_LISTENS_FILE = 'domains/interactions/data/u0042-podcast-listens.jsonl';

/** The four producers of the example, with what their export job template needs. */
const PRODUCERS = [
  {
    name: 'users',
    account: '222222222222',
    storage: 'relational',
    ownerTeam: 'accounts-team',
    ownerContact: 'accounts@music.example.com',
    storageSource: 'aurora-postgresql://accounts-db/public.users',
  },
  {
    name: 'songs',
    account: '333333333333',
    storage: 'relational',
    ownerTeam: 'catalog-team',
    ownerContact: 'catalog@music.example.com',
    storageSource: 'aurora-postgresql://catalog-db/public.songs',
  },
  {
    name: 'podcasts',
    account: '444444444444',
    storage: 'key-value',
    ownerTeam: 'podcasts-team',
    ownerContact: 'podcasts@music.example.com',
    storageSource: 'dynamodb://podcast-episodes',
  },
  {
    name: 'interactions',
    account: '555555555555',
    storage: 'event-files',
    ownerTeam: 'playback-team',
    ownerContact: 'playback@music.example.com',
    storageSource: 's3://music-playback-raw-555555555555/listens/',
  },
] as const;

/** Stream functions of the two consumers: where their code goes, and the handler template each starts from. */
const FUNCTIONS = [
  { domain: 'recommendations', name: 'users-handler', template: 'users-to-personalize' },
  { domain: 'recommendations', name: 'items-handler', template: 'items-to-personalize' },
  { domain: 'recommendations', name: 'interactions-handler', template: 'interactions-to-personalize' },
  { domain: 'analytics', name: 'interactions-ingestor', template: 'analytics-ingestor' },
] as const;

/** Columns (name, physicalType) and primary key of a product contract, for its export job. */
function contractColumns(text: string): { columns: ExportColumn[]; key?: string } {
  const contract = parse(text) as { schema?: { properties?: { name: string; physicalType?: string; primaryKey?: boolean }[] }[] };
  const properties = contract.schema?.[0]?.properties ?? [];
  const key = properties.find((p) => p.primaryKey)?.name;
  return { columns: properties.map((p) => ({ name: p.name, type: p.physicalType ?? 'string' })), ...(key ? { key } : {}) };
}

export interface ExampleOptions {
  readonly seed?: number;
  readonly target?: Target;
}

/**
 * Every file of the music-streaming example: the workspace files (templates/examples/music-streaming), sample data
 * generated from a seed, an export job per producer, handler code per function and the Personalize template.
 */
export async function planMusicExample(options: ExampleOptions = {}): Promise<PlannedFile[]> {
  const templates = templatesDir();
  let files = await collectTemplate(path.join(templates, 'examples', 'music-streaming'), '', {});
  if (options.target && options.target !== 'local') {
    files = files.map((f) => {
      if (f.path !== 'mesh.yaml') return f;
      const doc = parseDocument(f.content.toString('utf8'));
      doc.set('target', options.target);
      return textFile(f.path, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
    });
  }

  const data = generateMusicData({ seed: options.seed ?? 42 });
  for (const [product, text] of Object.entries(musicCsvFiles(data))) files.push(textFile(`domains/${product}/data/${product}.csv`, text));
  files.push(textFile(DEMO_LISTENS_FILE, demoPodcastListens(data)));

  for (const producer of PRODUCERS) {
    const contract = files.find((f) => f.path === `domains/${producer.name}/products/${producer.name}.odcs.yaml`);
    const variables = producerVariables('music', {
      ...producer,
      region: 'us-east-1',
      ...(contract ? contractColumns(contract.content.toString('utf8')) : {}),
    });
    files.push(
      ...(await collectTemplate(path.join(templates, 'producer', `export-${producer.storage}`), `domains/${producer.name}`, variables)),
    );
  }

  for (const fn of FUNCTIONS) files.push(...(await planHandlerFiles(fn.template, `domains/${fn.domain}/handlers/${fn.name}`)));

  const personalize = await planPersonalizeFiles('domains/recommendations', {
    name: 'recommendations',
    mesh: 'music',
    account: '666666666666',
    region: 'us-east-1',
  });
  files.push(...personalize.files);
  if (!personalize.personalize) {
    // No Personalize template shipped: leave the project file out of the domain rather than point at nothing.
    files = files.map((f) => (f.path === 'domains/recommendations/domain.yaml' ? setDomainField(f, 'personalize', undefined) : f));
  }
  return files;
}
