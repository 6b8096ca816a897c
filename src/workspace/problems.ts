/**
 * A problem found in the workspace files: one entry of `mesh validate`. Every problem points at a file, a 1-based
 * line and column, and a field path, so editors and people can jump to it.
 */
export type Severity = 'error' | 'warning';

export interface Problem {
  /** Stable PascalCase code, e.g. `UnknownField`. The list is `ProblemCode`. */
  readonly code: ProblemCode;
  readonly severity: Severity;
  /** Relative to the workspace root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Field path inside the file, e.g. `schema[0].properties[2].name`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

/** Every problem code mesh reports. Each names one kind of mistake. */
export const ProblemCode = {
  // files
  FileNotFound: 'FileNotFound',
  FileUnreadable: 'FileUnreadable',
  EmptyFile: 'EmptyFile',
  YamlSyntax: 'YamlSyntax',
  PathEscapesWorkspace: 'PathEscapesWorkspace',
  PathEscapesDomain: 'PathEscapesDomain',
  PathThroughLink: 'PathThroughLink',
  NoMatch: 'NoMatch',
  // shape of one file
  UnknownField: 'UnknownField',
  MissingField: 'MissingField',
  WrongType: 'WrongType',
  InvalidValue: 'InvalidValue',
  InvalidName: 'InvalidName',
  UnknownCustomProperty: 'UnknownCustomProperty',
  SchemaObjectCount: 'SchemaObjectCount',
  UnsupportedType: 'UnsupportedType',
  LogicalTypeMismatch: 'LogicalTypeMismatch',
  // names and ids
  DuplicateDomain: 'DuplicateDomain',
  DuplicateProduct: 'DuplicateProduct',
  DuplicateFunction: 'DuplicateFunction',
  DuplicateTopic: 'DuplicateTopic',
  DuplicateSubscription: 'DuplicateSubscription',
  DuplicateTransform: 'DuplicateTransform',
  DuplicateColumn: 'DuplicateColumn',
  InvalidGlueIdentifier: 'InvalidGlueIdentifier',
  InvalidTopicName: 'InvalidTopicName',
  DeadLetterTopicNotOwned: 'DeadLetterTopicNotOwned',
  NameCollision: 'NameCollision',
  PermissionNotAllowed: 'PermissionNotAllowed',
  TopicPatternMismatch: 'TopicPatternMismatch',
  InvalidAccountId: 'InvalidAccountId',
  AccountNotAssigned: 'AccountNotAssigned',
  UnknownRegion: 'UnknownRegion',
  InvalidArn: 'InvalidArn',
  ProductIdMismatch: 'ProductIdMismatch',
  ProductDomainMismatch: 'ProductDomainMismatch',
  // ownership and subscriptions
  ProductOwnerNotProducer: 'ProductOwnerNotProducer',
  SubscriberNotConsumer: 'SubscriberNotConsumer',
  UnknownProduct: 'UnknownProduct',
  PortNotOffered: 'PortNotOffered',
  UnknownColumn: 'UnknownColumn',
  EmptySubscription: 'EmptySubscription',
  MissingOwnerField: 'MissingOwnerField',
  PartitionKeyInvalid: 'PartitionKeyInvalid',
  // access requests and approvals
  AccessNotRequested: 'AccessNotRequested',
  ApprovalWithoutRequest: 'ApprovalWithoutRequest',
  ApprovalOutsideProducer: 'ApprovalOutsideProducer',
  DomainNotAllowed: 'DomainNotAllowed',
  DuplicateDecision: 'DuplicateDecision',
  // product locations (who may use which bucket or prefix)
  UnsafeLocation: 'UnsafeLocation',
  LocationNotDeclared: 'LocationNotDeclared',
  LocationOverlap: 'LocationOverlap',
  SharedBucket: 'SharedBucket',
  ManagedBucketNotOwned: 'ManagedBucketNotOwned',
  // event schemas
  AvroSchemaInvalid: 'AvroSchemaInvalid',
  TypeMismatch: 'TypeMismatch',
  NullabilityMismatch: 'NullabilityMismatch',
  KeyFieldMissing: 'KeyFieldMissing',
  // workspace shape
  NoDomains: 'NoDomains',
  NoProducts: 'NoProducts',
  // service limits
  LfTagValueLimit: 'LfTagValueLimit',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

export type PathSegment = string | number;

/** `['schema', 0, 'properties', 2, 'name']` → `schema[0].properties[2].name`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Stable order: by file, then line, then column, then code. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code) ||
      a.path.localeCompare(b.path),
  );
}

/** `domains/songs/domain.yaml:4:3  UnknownField  owner.tema  Unknown field "tema".` */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}  ${problem.code}  ${problem.path || '-'}  ${problem.message}`;
}
