import path from 'node:path';
import { closestMatch, didYouMean, MeshError } from '../core/errors.js';
import { askSelect, askText, type PromptPolicy } from '../io/prompts.js';
import { AWS_REGIONS, isAccountId, isRegion, localAccountId, parseMskClusterArn } from '../workspace/aws-ids.js';
import type { Target } from '../workspace/model.js';
import { NAME_PATTERN } from '../workspace/schema-common.js';

export type InitKind = 'mesh' | 'producer' | 'consumer';
export type StorageKind = 'relational' | 'key-value' | 'event-files';
export type UseCase = 'stream-handler' | 'recommendations';

export const INIT_KINDS: readonly InitKind[] = ['mesh', 'producer', 'consumer'];
export const STORAGE_KINDS: readonly StorageKind[] = ['relational', 'key-value', 'event-files'];
export const USE_CASES: readonly UseCase[] = ['stream-handler', 'recommendations'];
export const TARGETS: readonly Target[] = ['local', 'aws'];

/** Everything `mesh init` can be told by flags; what is missing is asked (or defaulted without a TTY). */
export interface InitFlags {
  readonly kind?: string;
  readonly name?: string;
  readonly mesh?: string;
  readonly target?: string;
  readonly account?: string;
  /** Central catalog account when a domain is created outside a workspace (--account is the domain's then). */
  readonly centralAccount?: string;
  readonly region?: string;
  readonly clusterArn?: string;
  readonly ownerTeam?: string;
  readonly ownerContact?: string;
  readonly storage?: string;
  readonly useCase?: string;
}

export interface MeshAnswers {
  readonly name: string;
  readonly target: Target;
  readonly account: string;
  readonly region: string;
  readonly clusterArn?: string;
}

export interface DomainAnswers {
  readonly kind: 'producer' | 'consumer';
  readonly name: string;
  readonly ownerTeam: string;
  readonly ownerContact: string;
  readonly account: string;
  readonly region: string;
  readonly storage: StorageKind;
  readonly useCase: UseCase;
}

const validName = (value: string): true | string =>
  NAME_PATTERN.test(value) ? true : 'Use lowercase letters, digits and dashes, starting with a letter (e.g. songs).';
const validAccount = (value: string): true | string => (isAccountId(value) ? true : 'An AWS account id has 12 digits.');
const validRegion = (value: string): true | string => {
  if (isRegion(value)) return true;
  const near = closestMatch(value, AWS_REGIONS);
  return `"${value}" is not an AWS region${near ? `; did you mean ${near}?` : ' (e.g. us-east-1).'}`;
};
const notEmpty = (value: string): true | string => (value.trim() !== '' ? true : 'Needs a value.');
const validClusterArn = (value: string): true | string =>
  parseMskClusterArn(value) ? true : 'Expected arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>.';

/** A flag given on the command line: checked like the prompt would check it. */
function checked(value: string | undefined, flag: string, validate: (v: string) => true | string): string | undefined {
  if (value === undefined) return undefined;
  const verdict = validate(value);
  if (verdict !== true) throw new MeshError('InvalidFlag', `${flag} ${value}: ${verdict}`);
  return value;
}

export function checkedChoice<T extends string>(value: string | undefined, choices: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new MeshError('InvalidFlag', `${flag} ${value}: choose one of ${choices.join(', ')}.`, {
    hint: didYouMean(value, choices),
  });
}

/** A mesh name from a folder name: `My Music` → `my-music`. */
export function nameFromFolder(dir: string): string {
  const slug = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return NAME_PATTERN.test(slug) ? slug : 'mesh';
}

export async function askKind(flags: InitFlags, policy: PromptPolicy, inWorkspace: boolean): Promise<InitKind> {
  return (
    checkedChoice(flags.kind, INIT_KINDS, '<kind>') ??
    askSelect<InitKind>(
      {
        message: 'What do you want to create?',
        flag: '<mesh|producer|consumer>',
        default: inWorkspace ? 'producer' : 'mesh',
        choices: [
          { value: 'mesh', name: 'a mesh workspace', description: 'mesh.yaml: central catalog, streaming, naming rules' },
          { value: 'producer', name: 'a producer domain', description: 'publishes data products (tables and streams)' },
          { value: 'consumer', name: 'a consumer domain', description: 'subscribes to products: stream handlers, recommendations' },
        ],
      },
      policy,
    )
  );
}

/**
 * The mesh questions. `explicit`: `mesh init mesh <name> --account <central>`; `implicit`: the mesh created around a
 * domain made outside any workspace (`--mesh <name> --central-account <id>`).
 */
export async function askMeshAnswers(
  flags: InitFlags,
  policy: PromptPolicy,
  dir: string,
  mode: 'explicit' | 'implicit',
): Promise<MeshAnswers> {
  const nameFlag = mode === 'explicit' ? '<name>' : '--mesh';
  const accountFlag = mode === 'explicit' ? '--account' : '--central-account';
  const givenName = mode === 'explicit' ? flags.name : flags.mesh;
  const name =
    checked(givenName, nameFlag, validName) ??
    (await askText({ message: 'Name of the mesh', flag: nameFlag, default: nameFromFolder(dir), validate: validName }, policy));
  const target =
    checkedChoice(flags.target, TARGETS, '--target') ??
    (await askSelect<Target>(
      {
        message: 'Where does it run?',
        flag: '--target',
        default: 'local',
        choices: [
          { value: 'local', name: 'local', description: 'embedded catalog, streams and recommender; no AWS account' },
          { value: 'aws', name: 'aws', description: 'Glue, Lake Formation, MSK, Lambda, Personalize' },
        ],
      },
      policy,
    ));
  // On local an account id is only a name: a stable made-up one, never asked for.
  const account =
    checked(mode === 'explicit' ? flags.account : flags.centralAccount, accountFlag, validAccount) ??
    (target === 'local'
      ? localAccountId(`${name}:central`)
      : await askText({ message: 'Central catalog account id', flag: accountFlag, validate: validAccount }, policy));
  const region =
    checked(flags.region, '--region', validRegion) ??
    (await askText({ message: 'Region', flag: '--region', default: 'us-east-1', validate: validRegion }, policy));
  let clusterArn: string | undefined;
  if (target === 'aws') {
    clusterArn =
      checked(flags.clusterArn, '--cluster-arn', validClusterArn) ??
      (await askText({ message: 'MSK cluster ARN', flag: '--cluster-arn', validate: validClusterArn }, policy));
  }
  return { name, target, account, region, ...(clusterArn ? { clusterArn } : {}) };
}

export async function askDomainAnswers(
  kind: 'producer' | 'consumer',
  flags: InitFlags,
  policy: PromptPolicy,
  mesh: { target: Target; region: string },
): Promise<DomainAnswers> {
  const name =
    checked(flags.name, '<name>', validName) ??
    (await askText({ message: `Name of the ${kind} domain`, flag: '<name>', validate: validName }, policy));
  const ownerTeam =
    checked(flags.ownerTeam, '--owner-team', notEmpty) ??
    (await askText({ message: 'Owner team', flag: '--owner-team', default: `${name}-team`, validate: notEmpty }, policy));
  const ownerContact =
    checked(flags.ownerContact, '--owner-contact', notEmpty) ??
    (await askText({ message: 'Owner contact (email or channel)', flag: '--owner-contact', validate: notEmpty }, policy));
  const account =
    checked(flags.account, '--account', validAccount) ??
    (mesh.target === 'local'
      ? localAccountId(name)
      : await askText({ message: `AWS account id of ${name}`, flag: '--account', validate: validAccount }, policy));
  const region =
    checked(flags.region, '--region', validRegion) ??
    (await askText({ message: 'Region', flag: '--region', default: mesh.region, validate: validRegion }, policy));
  let storage: StorageKind = 'relational';
  let useCase: UseCase = 'stream-handler';
  if (kind === 'producer') {
    storage =
      checkedChoice(flags.storage, STORAGE_KINDS, '--storage') ??
      (await askSelect<StorageKind>(
        {
          message: 'Where does the data live today?',
          flag: '--storage',
          default: 'relational',
          choices: [
            { value: 'relational', name: 'relational (Aurora, RDS)', description: 'export job: SQL unload / Glue JDBC job' },
            { value: 'key-value', name: 'key-value (DynamoDB)', description: 'export job: point-in-time export to S3 + Athena flatten' },
            { value: 'event-files', name: 'event files in S3', description: 'export job: Athena CTAS' },
          ],
        },
        policy,
      ));
  } else {
    useCase =
      checkedChoice(flags.useCase, USE_CASES, '--use-case') ??
      (await askSelect<UseCase>(
        {
          message: 'What will the domain do?',
          flag: '--use-case',
          default: 'stream-handler',
          choices: [
            { value: 'stream-handler', name: 'handle product events', description: 'a stream handler (Lambda for MSK events)' },
            { value: 'recommendations', name: 'recommendations', description: 'a stream handler and a Personalize project' },
          ],
        },
        policy,
      ));
  }
  return { kind, name, ownerTeam, ownerContact, account, region, storage, useCase };
}
