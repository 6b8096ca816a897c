import path from 'node:path';
import { parseDocument } from 'yaml';
import type { DomainAnswers, MeshAnswers, StorageKind } from './init-questions.js';
import { collectTemplate, type PlannedFile, type TemplateVariables, templatesDir, textFile } from './template-files.js';

/** `listen-events` → `ListenEvents`. */
export function pascalCase(name: string): string {
  return name
    .split(/[-_]/)
    .map((part) => (part[0] ?? '').toUpperCase() + part.slice(1))
    .join('');
}

export function snakeCase(name: string): string {
  return name.replace(/-/g, '_');
}

/** The product bucket of a producer: `<mesh>-<domain>-<account>`, at most 63 characters. */
export function productBucket(mesh: string, domain: string, account: string): string {
  return `${mesh}-${domain}-${account}`.slice(0, 63).replace(/[-.]+$/, '');
}

export function storageSource(storage: StorageKind, mesh: string, domain: string, account: string): string {
  switch (storage) {
    case 'relational':
      return `aurora-postgresql://${domain}-db/public.${snakeCase(domain)}`;
    case 'key-value':
      return `dynamodb://${domain}`;
    case 'event-files':
      return `s3://${productBucket(mesh, `${domain}-raw`, account)}/events/`;
  }
}

/** A column as the export job templates need it: name and Glue type. */
export interface ExportColumn {
  readonly name: string;
  readonly type: string;
}

/** The starter product's columns (templates/producer/base/products). */
export const STARTER_COLUMNS: readonly ExportColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'label', type: 'string' },
  { name: 'updated_at', type: 'bigint' },
];

function dynamoAttribute(type: string): 'S' | 'N' | 'BOOL' {
  if (type === 'boolean') return 'BOOL';
  return /^(int|bigint|double|float|decimal)/.test(type) ? 'N' : 'S';
}

/** Column lists in the spellings the export job templates use. */
export function columnVariables(columns: readonly ExportColumn[]): Record<string, string> {
  return {
    columns: columns.map((c) => c.name).join(', '),
    // Quoted, so reserved words such as "timestamp" work: "x" in SQL queries, `x` in Athena DDL.
    'columns.sql': columns.map((c) => `"${c.name}"`).join(', '),
    'columns.json': JSON.stringify(columns.map((c) => c.name)),
    'columns.ddl': columns.map((c) => `  \`${c.name}\` ${c.type}`).join(',\n'),
    'columns.ddb.struct': columns
      .map((c) => `${c.name}:struct<${dynamoAttribute(c.type)}:${c.type === 'boolean' ? 'boolean' : 'string'}>`)
      .join(', '),
    'columns.ddb.select': columns
      .map((c) => {
        const attribute = dynamoAttribute(c.type);
        const value = `Item.${c.name}.${attribute}`;
        return `  ${attribute === 'BOOL' || c.type === 'string' ? value : `CAST(${value} AS ${c.type})`} AS "${c.name}"`;
      })
      .join(',\n'),
  };
}

export interface ProducerTemplateInput {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly ownerTeam: string;
  readonly ownerContact: string;
  readonly storage: StorageKind;
  readonly storageSource?: string;
  /** The product's columns (default: the starter product's) and its key column. */
  readonly columns?: readonly ExportColumn[];
  readonly key?: string;
}

/** The variables a producer's templates use (the starter product and its export job). */
export function producerVariables(mesh: string, domain: ProducerTemplateInput): TemplateVariables {
  const bucketName = productBucket(mesh, domain.name, domain.account);
  const prefix = `products/${domain.name}/`;
  const columns = domain.columns ?? STARTER_COLUMNS;
  return {
    name: domain.name,
    mesh,
    account: domain.account,
    region: domain.region,
    'owner.team': domain.ownerTeam,
    'owner.contact': domain.ownerContact,
    storage: domain.storage,
    'storage.source': domain.storageSource ?? storageSource(domain.storage, mesh, domain.name, domain.account),
    'name.snake': snakeCase(domain.name),
    'mesh.snake': snakeCase(mesh),
    'name.Pascal': pascalCase(domain.name),
    bucket: `s3://${bucketName}/${prefix}`,
    'bucket.name': bucketName,
    'bucket.prefix': prefix,
    key: `"${domain.key ?? columns[0]?.name ?? 'id'}"`,
    ...columnVariables(columns),
  };
}

/** mesh.yaml, README.md and .gitignore for a new workspace. */
export async function planMeshFiles(answers: MeshAnswers): Promise<PlannedFile[]> {
  const files = await collectTemplate(path.join(templatesDir(), 'mesh'), '', {
    mesh: answers.name,
    target: answers.target,
    account: answers.account,
    region: answers.region,
  });
  if (!answers.clusterArn) return files;
  return files.map((file) => {
    if (file.path !== 'mesh.yaml') return file;
    const doc = parseDocument(file.content.toString('utf8'));
    doc.set('streaming', doc.createNode({ kind: 'msk', clusterArn: answers.clusterArn }));
    return textFile(file.path, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  });
}

/** A producer domain: domain.yaml, a starter product contract, event schema, sample data and the export job. */
export async function planProducerFiles(mesh: string, answers: DomainAnswers, destination: string): Promise<PlannedFile[]> {
  const variables = producerVariables(mesh, answers);
  return [
    ...(await collectTemplate(path.join(templatesDir(), 'producer', 'base'), destination, variables)),
    ...(await collectTemplate(path.join(templatesDir(), 'producer', `export-${answers.storage}`), destination, variables)),
  ];
}

/** Handler code for a function: its own template when one exists (templates/handlers/<name>), else the starter. */
export async function planHandlerFiles(functionTemplate: string, destination: string): Promise<PlannedFile[]> {
  const own = await collectTemplate(path.join(templatesDir(), 'handlers', functionTemplate), destination, {});
  return own.length > 0 ? own : collectTemplate(path.join(templatesDir(), 'handlers', 'starter'), destination, {});
}

/** The Personalize template (templates/personalize), when present; `personalize` is its project file if it has one. */
export async function planPersonalizeFiles(
  destination: string,
  variables: TemplateVariables,
): Promise<{ files: PlannedFile[]; personalize?: string }> {
  const files = await collectTemplate(path.join(templatesDir(), 'personalize'), destination, variables);
  const project = files.find((f) => f.path === `${destination}/personalize.yaml`);
  return { files, ...(project ? { personalize: 'personalize.yaml' } : {}) };
}

/** A consumer domain: domain.yaml, a starter stream handler, and for recommendations the Personalize template. */
export async function planConsumerFiles(mesh: string, answers: DomainAnswers, destination: string): Promise<PlannedFile[]> {
  const variables: TemplateVariables = {
    name: answers.name,
    mesh,
    account: answers.account,
    region: answers.region,
    'owner.team': answers.ownerTeam,
    'owner.contact': answers.ownerContact,
    useCase: answers.useCase,
  };
  const files = [
    ...(await collectTemplate(path.join(templatesDir(), 'consumer', 'base'), destination, variables)),
    ...(await planHandlerFiles('starter', `${destination}/handlers/${answers.name}-handler`)),
  ];
  if (answers.useCase !== 'recommendations') return files;
  const personalize = await planPersonalizeFiles(destination, variables);
  if (!personalize.personalize) return [...files, ...personalize.files];
  return [
    ...files.map((f) => (f.path === `${destination}/domain.yaml` ? setDomainField(f, 'personalize', personalize.personalize) : f)),
    ...personalize.files,
  ];
}

/** A domain.yaml with one top-level field set (or removed when value is undefined), comments kept. */
export function setDomainField(file: PlannedFile, key: string, value: string | undefined): PlannedFile {
  const doc = parseDocument(file.content.toString('utf8'));
  if (value === undefined) doc.delete(key);
  else doc.set(key, value);
  return textFile(file.path, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}
