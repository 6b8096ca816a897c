import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPersonalizeConfig } from '../../src/personalize/config.js';
import { INTERACTIONS_AVSC, ITEMS_AVSC, personalizeYaml, USERS_AVSC } from './helpers.js';

const TEMPLATE = path.resolve(__dirname, '../../templates/personalize');
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(yaml: string, schemas: { interactions?: string; items?: string; users?: string } = {}): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-pcfg-'));
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'schemas', 'interactions.avsc'), schemas.interactions ?? INTERACTIONS_AVSC);
  writeFileSync(path.join(dir, 'schemas', 'items.avsc'), schemas.items ?? ITEMS_AVSC);
  writeFileSync(path.join(dir, 'schemas', 'users.avsc'), schemas.users ?? USERS_AVSC);
  const file = path.join(dir, 'personalize.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** The folders a personalize.yaml's files must be in: here the temporary folder is the workspace and the domain. */
const inDir = () => ({ root: dir, domainDir: dir, localDir: path.join(dir, '.mesh', 'local') });

function problems(fn: () => unknown): {
  code: string;
  location?: { file: string; line?: number; path?: string };
  details?: { problems: { file: string; line?: number; path: string; message: string }[] };
} {
  try {
    fn();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected an error');
}

describe('personalize.yaml', () => {
  it('the template mesh init writes loads, with explicit auto-training off and Personalize-shaped schemas', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-pcfg-'));
    cpSync(TEMPLATE, dir, { recursive: true });
    const config = loadPersonalizeConfig(
      path.join(dir, 'personalize.yaml'),
      {
        mesh: 'music',
        domain: 'recommendations',
        account: '666666666666',
      },
      inDir(),
    );
    expect(config.datasetGroup).toBe('music-recommendations');
    expect(config.eventTrackerName).toBe('music-recommendations-events');
    expect(config.solutions.map((s) => [s.name, s.recipeArn, s.autoTraining, s.campaign?.minProvisionedTPS])).toEqual([
      ['personalized', 'arn:aws:personalize:::recipe/aws-user-personalization', false, 1],
      ['similar', 'arn:aws:personalize:::recipe/aws-similar-items', false, 1],
      ['popular', 'arn:aws:personalize:::recipe/aws-popularity-count', false, undefined],
    ]);
    expect(config.datasets.items?.source).toEqual({ kind: 'transform', transform: 'items' });
    expect(config.datasets.items?.schema.fields.find((f) => f.name === 'CONTENT_TYPE')).toMatchObject({
      type: 'string',
      categorical: true,
    });
    expect(config.datasets.interactions.columns.map((c) => `${c.field}<-${c.column}`)).toEqual([
      'USER_ID<-user_id',
      'ITEM_ID<-item_id',
      'TIMESTAMP<-timestamp',
      'EVENT_TYPE<-event_type',
      'CONTENT_TYPE<-content_type',
    ]);
    expect(config.deployGate).toEqual({ metric: 'normalized_discounted_cumulative_gain_at_10', threshold: 0.01 });
    expect(config.defaultFilter).toBe('exclude-played');
  });

  it('reports every problem with its file, line and field', () => {
    const yaml = personalizeYaml({
      solutions: `  personalized:\n    recipe: user-personalisation\n    campaign: { minProvisionedTPS: 1 }\n  other:\n    recipe: similar-items\n    autoTraining: false\n    trainingMode: UPDATE`,
      top: 'defaultFiltre: exclude-played',
    });
    const e = problems(() => loadPersonalizeConfig(write(yaml), {}, inDir()));
    expect(e.code).toBe('PersonalizeConfigInvalid');
    const list = e.details?.problems ?? [];
    const byPath = Object.fromEntries(list.map((p) => [p.path, p]));
    expect(byPath['solutions.personalized.recipe']?.line).toBe(17);
    expect(byPath['solutions.personalized.autoTraining']?.message).toContain('state autoTraining: true or false');
    expect(byPath.defaultFiltre?.message).toContain('Did you mean "defaultFilter"?');
    expect(e.location?.file).toMatch(/personalize\.yaml$/);
  });

  it('checks the schemas against Personalize rules, pointing into the .avsc', () => {
    const bad = JSON.parse(INTERACTIONS_AVSC) as { name: string; fields: { name: string; type: unknown; categorical?: boolean }[] };
    bad.fields[2] = { name: 'TIMESTAMP', type: 'string' };
    bad.fields[3] = { name: 'EVENT_TYPE', type: 'string', categorical: true };
    const items = JSON.parse(ITEMS_AVSC) as { fields: { name: string; type: unknown; categorical?: boolean }[] };
    items.fields[1] = { name: 'CONTENT_TYPE', type: 'string' };
    const e = problems(() =>
      loadPersonalizeConfig(write(personalizeYaml(), { interactions: JSON.stringify(bad), items: JSON.stringify(items) }), {}, inDir()),
    );
    const list = e.details?.problems ?? [];
    expect(list.map((p) => [path.basename(p.file), p.path, p.message])).toEqual([
      ['interactions.avsc', 'fields[2].type', 'TIMESTAMP must be "long" (not null)'],
      ['interactions.avsc', 'fields[3].categorical', 'EVENT_TYPE must not be categorical'],
      ['items.avsc', 'fields[1].categorical', 'CONTENT_TYPE must be categorical (filters use it)'],
    ]);
  });

  it('rejects a filter Personalize would reject, and a column mapping to a field the schema lacks', () => {
    const yaml = personalizeYaml()
      .replace('INCLUDE ItemID WHERE Items.CONTENT_TYPE IN ("podcast")', 'INCLUDE ItemID WHEN Items.CONTENT_TYPE IN ("podcast")')
      .replace('COUNTRY: COUNTRY }', 'COUNTRY: COUNTRY, COUNTRYY: x }');
    const list = problems(() => loadPersonalizeConfig(write(yaml), {}, inDir())).details?.problems ?? [];
    expect(list.map((p) => [p.path, p.message])).toEqual([
      ['datasets.users.columns.COUNTRYY', 'COUNTRYY is not a field of schemas/users.avsc. Did you mean "COUNTRY"?'],
      ['filters.podcasts-only', 'Filter "podcasts-only": expected WHERE, found "WHEN".'],
    ]);
  });
});
