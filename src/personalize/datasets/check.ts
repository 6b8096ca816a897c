/**
 * The gate before anything is uploaded or trained: the built datasets against their schemas and Personalize's
 * data rules (the engine's validateDatasets). Errors stop the run with each rule's count and a few examples;
 * warnings are printed and the run goes on.
 */
import { MeshError } from '../../core/errors.js';
import { emit, type IoHost } from '../../core/messages.js';
import type { DatasetType } from '../avro-rules.js';
import type { PersonalizeProject } from '../project.js';
import { type ValidationIssue, validateDatasets } from '../recommender/index.js';
import type { BuiltDatasets } from './build.js';

export interface DatasetCheckResult {
  readonly errors: readonly ValidationIssue[];
  readonly warnings: readonly ValidationIssue[];
}

const MIN_DATA_RULES = new Set(['min-interactions', 'min-active-users']);

export function checkDatasets(project: PersonalizeProject, built: BuiltDatasets): DatasetCheckResult {
  const schemas: Partial<Record<DatasetType, string>> = {};
  const headers: Partial<Record<DatasetType, readonly string[]>> = {};
  for (const [type, dataset] of Object.entries(project.config.datasets) as [
    DatasetType,
    NonNullable<(typeof project.config.datasets)['items']>,
  ][]) {
    schemas[type] = dataset.schema.text;
    const file = built.files[type];
    if (file) headers[type] = file.header;
  }
  const base = {
    interactions: built.interactions,
    ...(built.items ? { items: built.items } : {}),
    ...(built.users ? { users: built.users } : {}),
    schemas,
    headers,
  };
  const issues = [...validateDatasets(base)];
  // A solution trained on one event type must have enough data of that type (Personalize counts after the filter).
  const eventTypes = [...new Set(project.config.solutions.map((s) => s.eventType).filter((t): t is string => t !== undefined))];
  for (const eventType of eventTypes) {
    for (const issue of validateDatasets({ ...base, eventType })) {
      if (MIN_DATA_RULES.has(issue.rule) && !issues.some((i) => i.rule === issue.rule)) {
        issues.push({ ...issue, message: `${issue.message} (counting EVENT_TYPE "${eventType}" only, as a solution trains on it)` });
      }
    }
  }
  return { errors: issues.filter((i) => i.severity === 'error'), warnings: issues.filter((i) => i.severity === 'warning') };
}

export function formatIssue(issue: ValidationIssue): string {
  const examples = issue.examples.length > 0 ? `\n      e.g. ${issue.examples.join('\n           ')}` : '';
  return `  ${issue.rule} (${issue.count}): ${issue.message}${examples}`;
}

/** Reports warnings; throws `PersonalizeDatasetInvalid` (nothing uploaded, nothing billed) when there are errors. */
export function enforceDatasetCheck(project: PersonalizeProject, result: DatasetCheckResult, host: IoHost): void {
  for (const w of result.warnings) emit(host, 'warn', 'personalize.dataset.warning', { text: formatIssue(w).trim() });
  if (result.errors.length === 0) return;
  const tooSmall = result.errors.some((e) => MIN_DATA_RULES.has(e.rule));
  throw new MeshError(
    'PersonalizeDatasetInvalid',
    `The datasets break ${result.errors.length} of Personalize's rules; nothing was uploaded or trained:\n${result.errors.map(formatIssue).join('\n')}`,
    {
      hint: tooSmall
        ? 'Personalize needs at least 1,000 interactions and 25 users with 2 or more each: add data (or wait for more events) before training.'
        : `Fix the source data or the column mapping in ${project.config.file}; the CSVs are in ${project.paths.datasetsDir}.`,
      details: { errors: result.errors, warnings: result.warnings },
    },
  );
}
