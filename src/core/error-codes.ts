/**
 * Every error code mesh can end with: its exit code and one line on what it means. `MeshError` takes one of these
 * codes and reads its exit code from here, so a code always ends the process the same way.
 *
 * Adding a code: add an entry below (PascalCase, alphabetical within its area), then run `npm run error-codes` to
 * regenerate the table in README.md ("Error codes"); test/errors/error-codes.test.ts fails until the two agree.
 *
 * Exit codes (only src/cli/main.ts sets the process exit code):
 *   0 success · 1 failure · 2 usage or config error · 3 plan has pending changes (`mesh plan --detailed-exitcode`)
 *   130 interrupted (Ctrl-C or a declined prompt)
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  ChangesPending: 3,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorCodeEntry {
  readonly exit: ExitCode;
  readonly description: string;
}

const { Failure, Usage, Interrupted } = ExitCode;

export const ERROR_CODES = {
  // --- general
  Aborted: { exit: Interrupted, description: 'A confirmation was declined; nothing was changed.' },
  DiskFull: { exit: Failure, description: 'The disk is full (ENOSPC, EDQUOT or SQLITE_FULL) while writing a file.' },
  FileNotFound: { exit: Usage, description: 'A file or folder given on the command line does not exist.' },
  FilesExist: { exit: Usage, description: 'Files the command would create exist already.' },
  InternalError: { exit: Failure, description: 'A bug in mesh: an invariant did not hold.' },
  Interrupted: { exit: Interrupted, description: 'Stopped by Ctrl-C or a declined prompt; re-running resumes.' },
  InvalidFlag: { exit: Usage, description: 'A flag value (or prompt answer) is not valid.' },
  MissingFlag: { exit: Usage, description: 'A value is needed and prompts are off (--yes, CI or no TTY): pass the flag.' },
  NotAFile: { exit: Usage, description: 'A path that must name a file names a folder.' },
  OutputNotEmpty: { exit: Usage, description: 'The output folder holds files mesh did not write.' },
  PermissionDenied: { exit: Usage, description: 'The file system refused to read or write a path.' },
  PortInUse: { exit: Usage, description: 'The port asked for is in use.' },
  UnknownExample: { exit: Usage, description: '`mesh init --example` names no known example.' },
  UsageError: { exit: Usage, description: 'A bad command, flag or argument combination.' },

  // --- workspace files
  ConfigInvalid: { exit: Usage, description: 'The workspace files break the schema or the rules (details.problems lists them).' },
  LocationNotDeclared: { exit: Usage, description: "A product's table location is not inside its domain's declared locations." },
  UnknownColumn: { exit: Usage, description: 'A subscription or request names a column the product does not have.' },
  UnknownDomain: { exit: Usage, description: 'No domain of the workspace has that name.' },
  UnknownProduct: { exit: Usage, description: 'No product of the workspace (or catalog) has that name.' },
  UnsafeLocation: { exit: Usage, description: 'A table location is refused (path traversal, odd characters, another bucket).' },
  WorkspaceNotFound: { exit: Usage, description: 'No mesh.yaml in this folder or any folder above it.' },

  // --- AWS (service errors without a code of their own end as `Aws<ExceptionName>`, exit 1)
  AccessDenied: { exit: Failure, description: 'AWS or Kafka refused an action for lack of permission.' },
  AwsIdentity: { exit: Failure, description: 'STS did not say who the credentials belong to.' },
  AwsUnavailable: { exit: Failure, description: 'AWS kept answering 5xx after every retry.' },
  AwsUnreachable: { exit: Failure, description: 'No answer from AWS (network, endpoint or proxy) after every retry.' },
  BucketNotManaged: { exit: Failure, description: "bootstrap: a bucket mesh is asked to manage exists and is not mesh's." },
  Conflict: { exit: Failure, description: 'A resource was changed by someone else since the plan was made.' },
  Credentials: { exit: Failure, description: 'No usable AWS credentials for an account.' },
  BucketPolicyTooLarge: {
    exit: Usage,
    description: "publish: mesh's statement in a producer bucket's policy would not fit S3's 20 KB even with the declared locations.",
  },
  DataAccessPolicyTooLarge: {
    exit: Usage,
    description: "bootstrap: the data-access role's S3 policy for the declared locations is over IAM's size limit.",
  },
  InvalidS3Location: { exit: Failure, description: 'A location that must be s3://bucket/key is not.' },
  JobFailed: { exit: Failure, description: 'An AWS job (Glue, Personalize) ended FAILED or STOPPED.' },
  ManagedBucketRefused: { exit: Usage, description: "bootstrap: a managed bucket is not one domain's alone, or its products disagree." },
  PrincipalNotFound: { exit: Failure, description: 'bootstrap: a trusted principal does not exist.' },
  Throttled: { exit: Failure, description: 'AWS kept throttling after every retry.' },
  WaitTimeout: { exit: Failure, description: 'An AWS resource did not reach the state waited for in time.' },

  // --- plan, apply, lock
  ApplyFailed: { exit: Failure, description: 'A change failed while applying; what was applied is kept.' },
  ChangeNeedsFlag: { exit: Usage, description: 'A change needs an explicit flag (--allow-breaking, --allow-delete, --allow-replace).' },
  InvalidPlanFile: { exit: Usage, description: '`mesh apply <file>`: the file is not a plan saved by `mesh plan --out`.' },
  LockHeld: { exit: Failure, description: 'Another run holds the lock of this mesh and target.' },
  LockIdMismatch: { exit: Failure, description: '`mesh unlock <id>`: the lock is held under another id.' },
  NotLocked: { exit: Failure, description: '`mesh unlock`: nothing holds the lock.' },
  NothingToDestroy: { exit: Failure, description: '`mesh destroy`: nothing of the mesh exists on the target.' },
  HasSubscribers: { exit: Failure, description: '`mesh destroy`: principals outside the workspace still hold grants.' },
  PlanCycle: { exit: Failure, description: 'A bug in mesh: planned changes wait on each other.' },
  PreflightFailed: { exit: Failure, description: 'The accounts are not ready for the change (preflight checks failed).' },
  StalePlan: { exit: Usage, description: 'A saved plan no longer matches the files or what exists: plan again.' },

  // --- catalog, query, sample data
  BreakingChange: { exit: Usage, description: 'A breaking contract change also breaks the sample data.' },
  BucketMissing: { exit: Failure, description: "The producer's bucket does not exist in its account." },
  BucketNotOwned: { exit: Failure, description: "The bucket is not owned by the producer's account." },
  LfTagFailed: { exit: Failure, description: 'Lake Formation refused to attach LF-Tags to a table.' },
  LfTagValueLimit: {
    exit: Failure,
    description: 'The plan would give an LF-Tag key more than the 1,000 values Lake Formation allows; nothing was changed.',
  },
  NoTablePort: { exit: Usage, description: 'The product has no table port to subscribe to or request.' },
  PathOutsideStore: { exit: Failure, description: 'A local path falls outside the local object store; nothing was touched.' },
  PathThroughLink: {
    exit: Failure,
    description: 'A local path mesh would read, write or delete goes through a symbolic link in the workspace; nothing was touched.',
  },
  ProductNotPublished: { exit: Failure, description: 'The product (its table or topic) is not published on the target yet.' },
  QueryFailed: { exit: Failure, description: 'A local query could not run or read its files.' },
  QueryRefused: { exit: Failure, description: 'A local query was refused (not read-only, or reads what the domain may not).' },
  SampleDataMismatch: { exit: Failure, description: "The sample data does not match the product's contract." },
  SampleDataMissing: { exit: Failure, description: "The product's sample data file does not exist." },
  SampleDataUnreadable: { exit: Failure, description: 'The sample data file cannot be parsed in its format.' },
  CsvInvalid: { exit: Failure, description: 'A CSV file is malformed (e.g. an unclosed quote).' },
  SelfSubscription: { exit: Usage, description: 'A domain subscribes to (or requests) its own product.' },

  // --- access requests
  AccessNotApproved: { exit: Usage, description: 'A subscription reads a product whose access is not approved.' },
  AlreadyApproved: { exit: Usage, description: '`mesh access approve`: already approved.' },
  AlreadyDenied: { exit: Usage, description: '`mesh access deny`: already denied.' },
  AlreadyRequested: { exit: Usage, description: '`mesh access request`: already requested.' },
  ApproverUnknown: { exit: Usage, description: 'Who decides is recorded, and neither --by nor git names anyone.' },
  ColumnsNotRequested: { exit: Usage, description: 'An approval names columns the consumer did not request.' },
  DomainNotAllowed: { exit: Usage, description: 'The product is restricted to other domains.' },
  ExpiryInPast: { exit: Usage, description: 'An expiry date is in the past.' },
  InvalidDate: { exit: Usage, description: 'A date is not YYYY-MM-DD.' },
  NoApproval: { exit: Usage, description: '`mesh access revoke`: there is no approval to revoke.' },
  NotProducer: { exit: Usage, description: 'Only the producer domain can decide on access to its products.' },
  PurposeRequired: { exit: Usage, description: '`mesh access request` needs --purpose.' },
  ReasonRequired: { exit: Usage, description: '`mesh access deny` needs --reason.' },
  RequestNotFound: { exit: Usage, description: 'The consumer has not requested access to the product.' },
  SubscriberNotConsumer: { exit: Usage, description: 'A producer domain tries to subscribe; only consumer domains do.' },

  // --- streams: topics, schemas, events, functions
  BrokersUnavailable: { exit: Failure, description: 'MSK returned no bootstrap brokers for the cluster.' },
  ClusterArnInvalid: { exit: Usage, description: 'streaming.clusterArn is not an MSK cluster ARN.' },
  ClusterNotActive: { exit: Failure, description: 'The MSK cluster is not ACTIVE.' },
  ClusterNotFound: { exit: Failure, description: 'The MSK cluster does not exist (or is in another account or region).' },
  CompatibilityModeUnknown: { exit: Usage, description: 'An unknown schema compatibility mode.' },
  EventDecodeFailed: { exit: Failure, description: 'An event cannot be decoded with the schema.' },
  EventInvalid: { exit: Failure, description: 'An event does not match the product schema.' },
  EventsInvalid: { exit: Usage, description: '`mesh events produce`: some events do not match the schema; nothing was sent.' },
  GlueHeaderInvalid: { exit: Failure, description: 'A message is not in the Glue Schema Registry wire format.' },
  GlueSchemaRegistryFailed: { exit: Failure, description: 'A Glue Schema Registry call failed.' },
  GlueSchemaUnexpected: { exit: Failure, description: 'A Glue schema is in a state mesh does not know.' },
  GlueSchemaVersionPending: { exit: Failure, description: 'A Glue schema version is still PENDING.' },
  GroupActive: { exit: Failure, description: 'A consumer group with live members cannot be changed from outside.' },
  GroupRebalancing: { exit: Failure, description: 'The consumer group rebalanced; fetch again and retry.' },
  GroupTopicMismatch: { exit: Failure, description: 'One consumer group reads two topics in one process.' },
  KafkaAuthFailed: { exit: Failure, description: 'Kafka authentication (SASL, MSK IAM) failed.' },
  KafkaBrokersMissing: { exit: Failure, description: 'No Kafka bootstrap brokers were given.' },
  KafkaError: { exit: Failure, description: 'Kafka failed in a way mesh does not map to a code of its own.' },
  KafkaProduceFailed: { exit: Failure, description: 'Kafka did not acknowledge a write.' },
  KafkaTopicNotDeleted: { exit: Failure, description: 'A deleted topic is still listed after 30 s.' },
  KafkaTopicNotReady: { exit: Failure, description: 'A new topic has no leader for every partition in time.' },
  KafkaUnreachable: { exit: Failure, description: 'Kafka cannot be reached at the bootstrap brokers.' },
  LocalStoreCorrupt: { exit: Failure, description: 'The local schema registry holds a value mesh cannot read.' },
  LocalStoreUnavailable: { exit: Failure, description: 'The local schema registry cannot be opened.' },
  MskVpcConnectionMissing: { exit: Usage, description: 'A cross-account stream subscription needs an MSK VPC connection.' },
  NoEvents: { exit: Usage, description: '`mesh events produce`: the input holds no events.' },
  OffsetInvalid: { exit: Failure, description: 'An offset to commit lies beyond the end of the log.' },
  PartitionDecrease: { exit: Usage, description: 'The files ask for fewer partitions than the topic has; Kafka cannot remove any.' },
  PartitionNotFound: { exit: Failure, description: 'The topic has no such partition.' },
  ProduceAlreadyStarted: { exit: Usage, description: 'A previous run sent this file already; sending again would duplicate events.' },
  ProduceJournalStale: { exit: Usage, description: 'The file changed since the interrupted run, so it cannot be resumed.' },
  ProductHasNoStream: { exit: Usage, description: 'The product has no stream port.' },
  SchemaIncompatible: { exit: Failure, description: "A new schema version breaks the schema's compatibility mode." },
  SchemaInvalid: { exit: Failure, description: 'An Avro schema is not valid.' },
  SchemaRegistryNotFound: { exit: Failure, description: 'The schema registry does not exist.' },
  SchemaVersionIdInvalid: { exit: Failure, description: 'A schema version id is not a UUID.' },
  SchemaVersioningDisabled: { exit: Usage, description: 'The schema has compatibility DISABLED: no new versions can be registered.' },
  StreamFunctionMissing: { exit: Usage, description: 'A stream subscription needs --function (the domain file names none yet).' },
  StreamLogBusy: { exit: Failure, description: 'The local stream log stayed locked by another process.' },
  StreamLogOpenFailed: { exit: Failure, description: 'The local stream log cannot be opened.' },
  StreamLogTooNew: { exit: Failure, description: 'The local stream log was written by a newer mesh.' },
  StreamSubscriptionNeedsMsk: { exit: Usage, description: 'Stream subscriptions on aws need streaming.kind msk.' },
  StreamingNotOnAws: { exit: Usage, description: 'The aws target needs streaming.kind msk (or kafka with brokers).' },
  TopicConfigInvalid: { exit: Usage, description: 'A topic config value is not valid.' },
  TopicConfigUnknown: { exit: Usage, description: 'A topic config key is not one mesh manages.' },
  TopicNameInvalid: { exit: Usage, description: 'A topic name is not a legal Kafka topic name.' },
  TopicNotFound: { exit: Failure, description: 'The topic does not exist.' },
  TopicPartitionsDiffer: { exit: Failure, description: 'The topic exists with another partition count than declared.' },
  TopicPartitionsInvalid: { exit: Usage, description: 'A partition count is not valid.' },
  TopicPolicyViolation: { exit: Failure, description: 'The cluster rejected the topic settings by policy.' },
  TopicReplicationInvalid: { exit: Usage, description: 'A replication factor is not valid for the cluster.' },
  TransportClosed: { exit: Failure, description: 'The stream transport was used after it was closed.' },

  // --- functions (Lambda, local runner)
  ArtifactBucketMissing: { exit: Failure, description: "The artifact bucket does not exist in the domain's account." },
  CodeShaMismatch: { exit: Failure, description: 'Lambda stored other code than mesh built.' },
  DeadLetterTopicNotOwned: { exit: Usage, description: "A dead-letter topic is not the consumer's own (`<name>.dlq.<consumer>`)." },
  ExecutionPolicyTooLarge: { exit: Failure, description: "A function's execution role policy is over IAM's size limit." },
  FunctionConflict: { exit: Usage, description: 'A function is declared with two different handlers.' },
  FunctionMismatch: { exit: Usage, description: 'A subscription names another function than the domain file.' },
  FunctionNameInvalid: { exit: Usage, description: 'A Lambda function name is not valid.' },
  HandlerBuildFailed: { exit: Failure, description: 'A function handler does not build.' },
  HandlerInvalid: { exit: Usage, description: 'A handler is not <file>.<export>.' },
  HandlerNotFound: { exit: Usage, description: "A handler's module is not in its folder." },
  NoStreamSubscription: { exit: Usage, description: 'The domain has no stream subscription to the product.' },
  RoleNameTooLong: { exit: Usage, description: 'An execution role name is over 64 characters.' },

  // --- transforms
  TransformReadsNothing: { exit: Usage, description: 'A transform reads no product.' },
  TransformUnknownTable: { exit: Usage, description: 'A transform reads a table that is no product of the mesh.' },
  UnknownTransform: { exit: Usage, description: 'The domain declares no transform of that name.' },

  // --- personalize
  AthenaOutputLocation: { exit: Failure, description: 'Athena cannot use the query output location.' },
  AthenaQueryCancelled: { exit: Failure, description: 'An Athena query was cancelled.' },
  AthenaQueryFailed: { exit: Failure, description: 'An Athena query failed.' },
  AthenaTableMissing: { exit: Failure, description: 'A table Athena reads does not exist (no resource link yet).' },
  AthenaWorkGroupDisabled: { exit: Failure, description: 'The Athena work group is disabled.' },
  AthenaWorkGroupMissing: { exit: Usage, description: 'The Athena work group does not exist.' },
  PersonalizeBucketMissing: { exit: Failure, description: 'The bucket for the Personalize CSVs does not exist.' },
  PersonalizeBucketPolicy: { exit: Failure, description: 'The bucket policy does not let Personalize read the CSVs.' },
  PersonalizeConfigInvalid: { exit: Usage, description: 'personalize.yaml breaks its schema.' },
  PersonalizeConfigMissing: { exit: Usage, description: 'The Personalize template cannot be read.' },
  PersonalizeCsvColumnMissing: { exit: Failure, description: 'A dataset CSV lacks a column Personalize needs.' },
  PersonalizeDatasetInvalid: { exit: Failure, description: "The datasets break Personalize's rules; nothing was uploaded." },
  PersonalizeDrift: { exit: Failure, description: 'A Personalize resource exists but differs from personalize.yaml.' },
  PersonalizeFilterInvalid: { exit: Failure, description: 'A filter expression is not valid.' },
  PersonalizeGateRefused: { exit: Failure, description: 'The metrics gate refused to deploy the new solution version.' },
  PersonalizeIncrementalNeedsFull: { exit: Failure, description: 'An INCREMENTAL import needs a completed FULL import first.' },
  PersonalizeModelInvalid: { exit: Failure, description: 'A local model file is not a mesh recommendation model.' },
  PersonalizeNoCampaign: { exit: Usage, description: 'No solution named has a campaign.' },
  PersonalizeNoInteractions: { exit: Failure, description: 'No interactions to train on.' },
  PersonalizeNoSolution: { exit: Usage, description: 'No solution answers this kind of request.' },
  PersonalizeNotConfigured: { exit: Usage, description: 'The domain has no Personalize template.' },
  PersonalizeNotDeployed: { exit: Failure, description: 'The solution has no campaign yet: deploy first.' },
  PersonalizeNotTrained: { exit: Failure, description: 'Nothing is trained yet: train first.' },
  PersonalizeNothingToRollBack: { exit: Failure, description: 'The campaign has served only one version.' },
  PersonalizeNumericError: { exit: Failure, description: 'The local recommender hit a numeric failure (raise lambda).' },
  PersonalizeRecipeUnknown: { exit: Failure, description: 'An unknown local recipe.' },
  PersonalizeRecipeUnsupported: { exit: Failure, description: 'The local engine has no recipe like the one named.' },
  PersonalizeRoleMissing: { exit: Failure, description: 'The Personalize service role (aws.roleArn) does not exist.' },
  PersonalizeRoleNotSet: { exit: Usage, description: 'personalize.yaml sets no aws.roleArn.' },
  PersonalizeRoleTrust: { exit: Failure, description: 'The service role does not trust personalize.amazonaws.com.' },
  PersonalizeSourceMissing: { exit: Usage, description: "A dataset's csv source cannot be read." },
  PersonalizeSourceNotSubscribed: { exit: Usage, description: 'A dataset reads a product the domain does not subscribe to.' },
  PersonalizeTpsAboveCeiling: { exit: Usage, description: "A campaign's TPS is above its maxProvisionedTPS ceiling." },
  PersonalizeTransformMissing: { exit: Usage, description: 'A dataset reads a transform the domain does not declare.' },
  PersonalizeUpdateNeedsFull: { exit: Failure, description: 'UPDATE training needs an ACTIVE FULL solution version first.' },
  PersonalizeVersionMissing: { exit: Failure, description: 'The version has no model.' },

  // --- doctor, dev, portal
  DoctorFailed: { exit: Failure, description: '`mesh doctor`: one or more checks failed.' },
  PortalNotBuilt: { exit: Failure, description: 'The portal front end is not built (npm run build).' },
} as const satisfies Record<string, ErrorCodeEntry>;

/** A registered error code. */
export type RegisteredErrorCode = keyof typeof ERROR_CODES;
/** An AWS service error passed through by name (`AccessDeniedException` → `AwsAccessDenied`); exit 1. */
export type AwsErrorCode = `Aws${string}`;
/** Every code a MeshError can carry. */
export type ErrorCode = RegisteredErrorCode | AwsErrorCode;

export function isRegisteredErrorCode(code: string): code is RegisteredErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The exit code a MeshError with this code ends the process with. */
export function exitCodeOf(code: ErrorCode): ExitCode {
  return isRegisteredErrorCode(code) ? ERROR_CODES[code].exit : ExitCode.Failure;
}
