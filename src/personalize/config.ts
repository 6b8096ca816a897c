/**
 * personalize.yaml: the zod schema, the resolved config type and the loader. Every problem is reported at once,
 * each with its file, line and field path (the .avsc files and filter expressions included).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { configError, didYouMean, MeshError } from '../core/errors.js';
import { fill } from '../workspace/naming.js';
import { checkDatasetSchema, DATASET_TYPES, type DatasetSchema, type DatasetType } from './avro-rules.js';
import { misplaced, type PersonalizeFolders } from './config-paths.js';
import { parseFilterExpression } from './filter-expression.js';

export const RECIPES = ['user-personalization', 'user-personalization-v2', 'similar-items', 'popularity-count'] as const;
export type Recipe = (typeof RECIPES)[number];

/** The recipe ARN Personalize knows each recipe by. */
export const RECIPE_ARNS: Readonly<Record<Recipe, string>> = {
  'user-personalization': 'arn:aws:personalize:::recipe/aws-user-personalization',
  'user-personalization-v2': 'arn:aws:personalize:::recipe/aws-user-personalization-v2',
  'similar-items': 'arn:aws:personalize:::recipe/aws-similar-items',
  'popularity-count': 'arn:aws:personalize:::recipe/aws-popularity-count',
};

const TIME_FORMATS = ['auto', 'timestamp', 'epoch-seconds', 'epoch-millis'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

const columnSpec = z.union([z.string().min(1), z.strictObject({ column: z.string().min(1), from: z.enum(TIME_FORMATS).optional() })]);

const sourceSchema = z
  .strictObject({
    product: z.string().min(1).optional(),
    transform: z.string().min(1).optional(),
    sql: z.string().min(1).optional(),
    csv: z.string().min(1).optional(),
  })
  .refine((s) => [s.product, s.transform, s.sql, s.csv].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of product, transform, sql or csv',
  });

const datasetSchema = z.strictObject({
  schema: z.string().min(1),
  source: sourceSchema,
  columns: z.record(z.string(), columnSpec).optional(),
});

const solutionSchema = z
  .strictObject({
    recipe: z.enum(RECIPES).optional(),
    recipeArn: z
      .string()
      .regex(/^arn:aws:personalize:::recipe\/[\w-]+$/, 'a recipe ARN: arn:aws:personalize:::recipe/<name>')
      .optional(),
    trainingMode: z.enum(['FULL', 'UPDATE']).default('FULL'),
    autoTraining: z.boolean({ error: 'state autoTraining: true or false (Personalize defaults to true, a billed retrain every 7 days)' }),
    autoTrainingSchedule: z
      .string()
      .regex(/^rate\((\d+) days?\)$/, 'rate(N days), N from 1 to 30')
      .optional(),
    performHPO: z.boolean().default(false),
    eventType: z.string().min(1).optional(),
    campaign: z.strictObject({ minProvisionedTPS: z.number().int().min(1) }).optional(),
  })
  .refine((s) => (s.recipe === undefined) !== (s.recipeArn === undefined), { message: 'give recipe or recipeArn (one of them)' });

export const personalizeFileSchema = z.strictObject({
  datasetGroup: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,62}$/, 'letters, digits, - and _, at most 63 characters'),
  datasets: z.strictObject({ interactions: datasetSchema, items: datasetSchema.optional(), users: datasetSchema.optional() }),
  solutions: z
    .record(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/, 'letters, digits, - and _'), solutionSchema)
    .refine((s) => Object.keys(s).length > 0, {
      message: 'name at least one solution',
    }),
  maxProvisionedTPS: z.number().int().min(1).default(10),
  eventTracker: z.strictObject({ name: z.string().min(1).optional() }).optional(),
  filters: z.record(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/, 'letters, digits, - and _'), z.string().min(1)).default({}),
  defaultFilter: z.string().min(1).optional(),
  deployGate: z
    .strictObject({
      metric: z.string().min(1).default('normalized_discounted_cumulative_gain_at_10'),
      threshold: z.number().min(0).default(0),
    })
    .default({ metric: 'normalized_discounted_cumulative_gain_at_10', threshold: 0 }),
  aws: z
    .strictObject({
      roleArn: z.string().min(1).optional(),
      bucket: z.string().min(1).optional(),
      prefix: z.string().default('personalize'),
      /** The Athena work group the dataset queries run in (aws target). */
      athenaWorkGroup: z.string().min(1).default('primary'),
    })
    .default({ prefix: 'personalize', athenaWorkGroup: 'primary' }),
});

export type DatasetSource =
  | { readonly kind: 'product'; readonly product: string }
  | { readonly kind: 'transform'; readonly transform: string }
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'csv'; readonly file: string };

export interface ColumnMapping {
  /** Personalize field, e.g. TIMESTAMP. */
  readonly field: string;
  /** Source column. */
  readonly column: string;
  readonly from: TimeFormat;
}

export interface DatasetConfig {
  readonly type: DatasetType;
  readonly schemaFile: string;
  readonly schema: DatasetSchema;
  readonly source: DatasetSource;
  /** In schema field order; empty for a csv source without mapping (its header is used as is). */
  readonly columns: readonly ColumnMapping[];
}

export interface SolutionConfig {
  readonly name: string;
  readonly recipe?: Recipe;
  readonly recipeArn: string;
  readonly trainingMode: 'FULL' | 'UPDATE';
  readonly autoTraining: boolean;
  readonly autoTrainingSchedule?: string;
  readonly performHPO: boolean;
  readonly eventType?: string;
  readonly campaign?: { readonly minProvisionedTPS: number };
}

export interface PersonalizeConfig {
  readonly file: string;
  readonly dir: string;
  readonly datasetGroup: string;
  readonly datasets: { readonly interactions: DatasetConfig; readonly items?: DatasetConfig; readonly users?: DatasetConfig };
  readonly solutions: readonly SolutionConfig[];
  readonly maxProvisionedTPS: number;
  readonly eventTrackerName: string;
  readonly filters: readonly { readonly name: string; readonly expression: string }[];
  readonly defaultFilter?: string;
  readonly deployGate: { readonly metric: string; readonly threshold: number };
  readonly aws: { readonly roleArn?: string; readonly bucket?: string; readonly prefix: string; readonly athenaWorkGroup: string };
}

interface Problem {
  file: string;
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
}

function pathText(p: readonly (string | number)[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function fail(problems: Problem[]): never {
  const first = problems[0] as Problem;
  const lines = problems.map(
    (p) => `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${pathText(p.path) || '(file)'}: ${p.message}`,
  );
  throw configError(
    'PersonalizeConfigInvalid',
    // One problem: the location is printed in front of the message already, so the message is just the field and what is wrong.
    problems.length === 1
      ? `${pathText(first.path) || '(file)'}: ${first.message}`
      : `${problems.length} problems:\n  ${lines.join('\n  ')}`,
    {
      location: { file: first.file, line: first.line, column: first.column, path: pathText(first.path) },
      hint: 'Fix personalize.yaml (see the comments in the template mesh init writes).',
      details: { problems: problems.map((p) => ({ file: p.file, line: p.line, path: pathText(p.path), message: p.message })) },
    },
  );
}

function readText(file: string, from: Omit<Problem, 'message'>): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    fail([{ ...from, message: `cannot read ${file}` }]);
  }
}

/**
 * Loads and checks a personalize.yaml (and the schema files it names). `vars` fill `{mesh}`, `{domain}` and
 * `{account}` in datasetGroup and eventTracker.name (so one template serves any domain).
 */
export function loadPersonalizeConfig(file: string, vars: Readonly<Record<string, string>>, within: PersonalizeFolders): PersonalizeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw configError('PersonalizeConfigMissing', `Cannot read the Personalize template ${file}.`, {
      location: { file },
      hint: 'Create it with `mesh init consumer <name> --use-case recommendations`, or fix the personalize path in the domain file.',
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const at = (p: (string | number)[]): { line?: number; column?: number } => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  };
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((e) => ({
        file,
        path: [],
        message: e.message.split('\n')[0] ?? e.message,
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
      })),
    );
  }
  const raw = (doc.toJS() ?? {}) as { datasetGroup?: unknown; eventTracker?: { name?: unknown } };
  if (typeof raw.datasetGroup === 'string') raw.datasetGroup = fill(raw.datasetGroup, vars);
  if (raw.eventTracker && typeof raw.eventTracker.name === 'string') raw.eventTracker.name = fill(raw.eventTracker.name, vars);
  const parsed = personalizeFileSchema.safeParse(raw);
  if (!parsed.success) {
    fail(
      parsed.error.issues.map((issue) => {
        const p = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
        const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const known = issue.code === 'unrecognized_keys' ? Object.keys(shapeAt(p)) : [];
        const hint = unknown.length === 1 ? didYouMean(unknown[0] as string, known) : undefined;
        return {
          file,
          path: unknown.length > 0 ? [...p, unknown[0] as string] : p,
          message: `${issue.message}${hint ? ` ${hint}` : ''}`,
          ...at(p),
        };
      }),
    );
  }
  return resolveConfig(file, parsed.data, at, within);
}

function shapeAt(p: readonly (string | number)[]): Record<string, unknown> {
  if (p.length === 0) return personalizeFileSchema.shape;
  if (p[0] === 'datasets' && p.length === 1) return { interactions: 1, items: 1, users: 1 };
  if (p[0] === 'datasets' && p.length === 2) return datasetSchema.shape;
  if (p[0] === 'datasets' && p[2] === 'source') return { product: 1, transform: 1, sql: 1, csv: 1 };
  if (p[0] === 'solutions')
    return { recipe: 1, recipeArn: 1, trainingMode: 1, autoTraining: 1, autoTrainingSchedule: 1, performHPO: 1, eventType: 1, campaign: 1 };
  return {};
}

type Parsed = z.infer<typeof personalizeFileSchema>;

function resolveConfig(
  file: string,
  data: Parsed,
  at: (p: (string | number)[]) => { line?: number; column?: number },
  within: PersonalizeFolders,
): PersonalizeConfig {
  const dir = path.dirname(file);
  const problems: Problem[] = [];
  const datasets: Partial<Record<DatasetType, DatasetConfig>> = {};
  for (const type of DATASET_TYPES) {
    const d = data.datasets[type];
    if (!d) continue;
    const schemaFile = path.resolve(dir, d.schema);
    const schemaMisplaced = misplaced(within, schemaFile, 'workspace');
    if (schemaMisplaced) {
      problems.push({
        file,
        path: ['datasets', type, 'schema'],
        message: `${d.schema} ${schemaMisplaced}`,
        ...at(['datasets', type, 'schema']),
      });
      continue;
    }
    if (d.source.csv !== undefined) {
      const csvMisplaced = misplaced(within, path.resolve(dir, d.source.csv), 'domain');
      if (csvMisplaced) {
        const where = ['datasets', type, 'source', 'csv'];
        problems.push({ file, path: where, message: `${d.source.csv} ${csvMisplaced}`, ...at(where) });
        continue;
      }
    }
    const schemaText = readText(schemaFile, { file, path: ['datasets', type, 'schema'], ...at(['datasets', type, 'schema']) });
    const checked = checkDatasetSchema(type, schemaText);
    for (const p of checked.problems) problems.push({ file: schemaFile, path: p.path ? [p.path] : [], message: p.message });
    if (!checked.schema) continue;
    const source: DatasetSource =
      d.source.product !== undefined
        ? { kind: 'product', product: d.source.product }
        : d.source.transform !== undefined
          ? { kind: 'transform', transform: d.source.transform }
          : d.source.sql !== undefined
            ? { kind: 'sql', sql: d.source.sql }
            : { kind: 'csv', file: path.resolve(dir, d.source.csv as string) };
    const fieldNames = checked.schema.fields.map((f) => f.name);
    const columns: ColumnMapping[] = [];
    const given = d.columns ?? {};
    for (const key of Object.keys(given)) {
      if (!fieldNames.includes(key)) {
        const hint = didYouMean(key, fieldNames);
        problems.push({
          file,
          path: ['datasets', type, 'columns', key],
          message: `${key} is not a field of ${d.schema}${hint ? `. ${hint}` : ''}`,
          ...at(['datasets', type, 'columns', key]),
        });
      }
    }
    if (source.kind !== 'csv' || d.columns) {
      for (const field of checked.schema.fields) {
        const spec = given[field.name];
        if (spec === undefined) {
          if (!field.nullable)
            problems.push({
              file,
              path: ['datasets', type, 'columns'],
              message: `map ${field.name} (required by ${d.schema}) to a source column`,
              ...at(['datasets', type, 'columns']),
            });
          continue;
        }
        const column = typeof spec === 'string' ? spec : spec.column;
        columns.push({ field: field.name, column, from: typeof spec === 'string' ? 'auto' : (spec.from ?? 'auto') });
      }
    }
    datasets[type] = { type, schemaFile, schema: checked.schema, source, columns };
  }
  const solutions: SolutionConfig[] = Object.entries(data.solutions).map(([name, s]) => {
    if (s.trainingMode === 'UPDATE' && s.recipe !== 'user-personalization') {
      problems.push({
        file,
        path: ['solutions', name, 'trainingMode'],
        message: 'UPDATE training works with the user-personalization recipe only (after a FULL one)',
        ...at(['solutions', name, 'trainingMode']),
      });
    }
    return {
      name,
      ...(s.recipe ? { recipe: s.recipe } : {}),
      recipeArn: s.recipeArn ?? RECIPE_ARNS[s.recipe as Recipe],
      trainingMode: s.trainingMode,
      autoTraining: s.autoTraining,
      ...(s.autoTrainingSchedule ? { autoTrainingSchedule: s.autoTrainingSchedule } : {}),
      performHPO: s.performHPO,
      ...(s.eventType ? { eventType: s.eventType } : {}),
      ...(s.campaign ? { campaign: s.campaign } : {}),
    };
  });
  const filters = Object.entries(data.filters).map(([name, expression]) => ({ name, expression }));
  for (const f of filters) {
    try {
      parseFilterExpression(f.expression, f.name);
    } catch (error) {
      problems.push({ file, path: ['filters', f.name], message: (error as MeshError).message, ...at(['filters', f.name]) });
    }
  }
  if (data.defaultFilter !== undefined && !filters.some((f) => f.name === data.defaultFilter)) {
    const hint = didYouMean(
      data.defaultFilter,
      filters.map((f) => f.name),
    );
    problems.push({
      file,
      path: ['defaultFilter'],
      message: `no filter named "${data.defaultFilter}"${hint ? `. ${hint}` : ''}`,
      ...at(['defaultFilter']),
    });
  }
  if (problems.length > 0) fail(problems);
  return {
    file,
    dir,
    datasetGroup: data.datasetGroup,
    datasets: datasets as PersonalizeConfig['datasets'],
    solutions,
    maxProvisionedTPS: data.maxProvisionedTPS,
    eventTrackerName: data.eventTracker?.name ?? `${data.datasetGroup}-events`,
    filters,
    ...(data.defaultFilter ? { defaultFilter: data.defaultFilter } : {}),
    deployGate: data.deployGate,
    aws: data.aws,
  };
}

/** The engine's recipe for a solution (local target); custom ARNs map by their recipe name. */
export function engineRecipe(solution: SolutionConfig): 'user-personalization' | 'similar-items' | 'popularity-count' {
  const name = solution.recipe ?? solution.recipeArn.split('/').pop() ?? '';
  if (/user-personalization|hrnn|personalized-ranking/.test(name)) return 'user-personalization';
  if (/similar-items|sims/.test(name)) return 'similar-items';
  if (/popularity/.test(name)) return 'popularity-count';
  throw new MeshError(
    'PersonalizeRecipeUnsupported',
    `Solution "${solution.name}": the local engine has no recipe like ${solution.recipeArn}.`,
    {
      hint: 'Use user-personalization, similar-items or popularity-count, or run this solution with --target aws.',
    },
  );
}

/** Personalize's recipe type: USER_PERSONALIZATION (GetRecommendations by userId) or RELATED_ITEMS (by itemId). */
export function recipeKind(solution: SolutionConfig): 'user' | 'item' {
  const name = solution.recipe ?? solution.recipeArn.split('/').pop() ?? '';
  return /similar-items|sims/.test(name) ? 'item' : 'user';
}
