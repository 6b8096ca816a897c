/**
 * The environment a local function process starts with: what Lambda would give the same function, built from nothing
 * rather than from the shell's environment. The shell that runs `mesh dev` holds the user's secrets (GITHUB_TOKEN,
 * NPM_TOKEN, DATABASE_URL, AWS credentials, …) and `mesh dev` runs every consumer domain's handlers, written by other
 * teams; and a handler that works locally only because of a shell variable breaks in Lambda. Layers, each over the
 * one before:
 *
 * 1. What a Node process needs to run: the shell's PATH (a handler may spawn a tool), a private HOME and TMPDIR (so no
 *    `~/.aws`, `~/.npmrc` or other dot-file reaches the SDK or a library by default; Lambda's /tmp is private too),
 *    Lambda's LANG, NODE_PATH (the handler's node_modules, then mesh's, which hold the AWS SDK as the runtime does),
 *    and on Windows the few variables Node cannot start without. The shell's NODE_OPTIONS is not passed: Lambda has
 *    none, it often holds a `--require` of a local tool or an `--inspect` every function process would fight over,
 *    and a handler that needs one declares NODE_OPTIONS in its environment (Lambda honours it there).
 * 2. The function's configured environment, as Lambda gets it from mesh: its own domain's Personalize outputs, then
 *    the environment its subscriptions declare.
 * 3. mesh's local variables: the endpoints of `mesh dev`'s AWS-compatible services and dummy credentials.
 * 4. The variables Lambda itself sets (reserved: a function's configuration cannot change them), with TZ=:UTC and
 *    dummy credentials in place of the execution role's.
 */
import path from 'node:path';

/** The Lambda runtime and memory size mesh deploys a function with (src/streams/functions/aws/lambda-function.ts). */
const LOCAL_LAMBDA_RUNTIME = 'nodejs22.x';
const LOCAL_LAMBDA_MEMORY_MB = 256;

/** Without these Node cannot start on Windows (SystemRoot: its crypto and sockets); none of them is a secret. */
const WINDOWS_SYSTEM = ['SystemRoot', 'windir', 'ComSpec', 'PATHEXT']; // process.env is case-insensitive on Windows

export interface FunctionEnvironmentInput {
  /** The Lambda function's name (deterministic, as on aws). */
  readonly functionName: string;
  readonly region: string;
  /** `module.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly handlerDir: string;
  readonly nodePath: string;
  /** A private, empty folder for HOME and one for TMPDIR. */
  readonly home: string;
  readonly tmp: string;
  /** The function's own domain's Personalize outputs (personalizeEnvironment()). */
  readonly personalize: Readonly<Record<string, string>>;
  /** What the function's subscriptions declare (`environment:` in the domain file). */
  readonly declared: Readonly<Record<string, string>>;
  /** mesh's local variables (endpoints, dummy credentials) from `mesh dev`. */
  readonly local: Readonly<Record<string, string>>;
  /** The shell's environment: only PATH (and Windows' system variables) are read from it. */
  readonly shell: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
}

export function functionEnvironment(input: FunctionEnvironmentInput): Record<string, string> {
  const { shell } = input;
  const base: Record<string, string> = {
    PATH: shell.PATH ?? shell.Path ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: input.home,
    TMPDIR: input.tmp,
    LANG: 'en_US.UTF-8',
    NODE_PATH: input.nodePath,
  };
  if ((input.platform ?? process.platform) === 'win32') {
    for (const key of WINDOWS_SYSTEM) if (shell[key] !== undefined) base[key] = shell[key] as string;
    Object.assign(base, { USERPROFILE: input.home, TEMP: input.tmp, TMP: input.tmp });
  }
  const name = input.functionName;
  return {
    ...base,
    ...input.personalize,
    ...input.declared,
    ...input.local,
    _HANDLER: input.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${LOCAL_LAMBDA_RUNTIME}`,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(LOCAL_LAMBDA_MEMORY_MB),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'mesh-dev',
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    // Lambda hands the execution role's keys; locally dummy ones, so the SDK's chain stops at the environment and
    // never reaches a profile or the instance metadata service of the machine mesh runs on.
    AWS_ACCESS_KEY_ID: 'mesh-local',
    AWS_SECRET_ACCESS_KEY: 'mesh-local',
    AWS_EC2_METADATA_DISABLED: 'true',
    LAMBDA_TASK_ROOT: path.resolve(input.handlerDir),
    TZ: ':UTC',
    MESH_LOCAL: '1',
  };
}
