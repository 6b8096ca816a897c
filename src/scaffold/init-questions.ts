import path from 'node:path';
import { didYouMean, MeshError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
import { ANSWER_RULES, type AnswerRule } from '../workspace/answer-rules.js';
import { localAccountId } from '../workspace/aws-ids.js';
import type { Target } from '../workspace/model.js';
import { NAME_PATTERN } from '../workspace/schema-common.js';
import type { InitChoice } from './messages.js';

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

const validName = ANSWER_RULES.name;
const validAccount = ANSWER_RULES.account;
const validRegion = ANSWER_RULES.region;
const notEmpty = ANSWER_RULES.notEmpty;
const validClusterArn = ANSWER_RULES.clusterArn;

/** Asks the host a text question and checks the answer with the question's rule (a library host's answers too). */
async function askText(host: IoHost, q: { message: string; flag: string; default?: string; rule: AnswerRule }): Promise<string> {
  const answer = await host.request({ code: 'init.text', data: q, defaultAnswer: q.default ?? '' });
  if (answer === '' && q.default === undefined) {
    throw new MeshError('MissingFlag', `${q.message} needs an answer, and nobody answered it.`, { hint: `Pass ${q.flag}.` });
  }
  const verdict = ANSWER_RULES[q.rule](answer);
  if (verdict !== true) throw new MeshError('InvalidFlag', `${q.flag} ${answer}: ${verdict}`, { hint: `Pass a valid ${q.flag}.` });
  return answer;
}

/** Asks the host to pick one of `choices`; an answer that is not one of them is refused. */
async function askSelect<T extends string>(
  host: IoHost,
  q: { message: string; flag: string; default: T; choices: readonly (InitChoice & { value: T })[] },
): Promise<T> {
  const answer = await host.request({ code: 'init.select', data: q, defaultAnswer: q.default });
  return (
    checkedChoice(
      answer,
      q.choices.map((c) => c.value),
      q.flag,
    ) ?? q.default
  );
}

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

export async function askKind(flags: InitFlags, host: IoHost, inWorkspace: boolean): Promise<InitKind> {
  return (
    checkedChoice(flags.kind, INIT_KINDS, '<kind>') ??
    askSelect<InitKind>(host, {
      message: 'What do you want to create?',
      flag: '<mesh|producer|consumer>',
      default: inWorkspace ? 'producer' : 'mesh',
      choices: [
        { value: 'mesh', name: 'a mesh workspace', description: 'mesh.yaml: central catalog, streaming, naming rules' },
        { value: 'producer', name: 'a producer domain', description: 'publishes data products (tables and streams)' },
        { value: 'consumer', name: 'a consumer domain', description: 'subscribes to products: stream handlers, recommendations' },
      ],
    })
  );
}

/**
 * The mesh questions. `explicit`: `mesh init mesh <name> --account <central>`; `implicit`: the mesh created around a
 * domain made outside any workspace (`--mesh <name> --central-account <id>`).
 */
export async function askMeshAnswers(flags: InitFlags, host: IoHost, dir: string, mode: 'explicit' | 'implicit'): Promise<MeshAnswers> {
  const nameFlag = mode === 'explicit' ? '<name>' : '--mesh';
  const accountFlag = mode === 'explicit' ? '--account' : '--central-account';
  const givenName = mode === 'explicit' ? flags.name : flags.mesh;
  const name =
    checked(givenName, nameFlag, validName) ??
    (await askText(host, { message: 'Name of the mesh', flag: nameFlag, default: nameFromFolder(dir), rule: 'name' }));
  const target =
    checkedChoice(flags.target, TARGETS, '--target') ??
    (await askSelect<Target>(host, {
      message: 'Where does it run?',
      flag: '--target',
      default: 'local',
      choices: [
        { value: 'local', name: 'local', description: 'embedded catalog, streams and recommender; no AWS account' },
        { value: 'aws', name: 'aws', description: 'Glue, Lake Formation, MSK, Lambda, Personalize' },
      ],
    }));
  // On local an account id is only a name: a stable made-up one, never asked for.
  const account =
    checked(mode === 'explicit' ? flags.account : flags.centralAccount, accountFlag, validAccount) ??
    (target === 'local'
      ? localAccountId(`${name}:central`)
      : await askText(host, { message: 'Central catalog account id', flag: accountFlag, rule: 'account' }));
  const region =
    checked(flags.region, '--region', validRegion) ??
    (await askText(host, { message: 'Region', flag: '--region', default: 'us-east-1', rule: 'region' }));
  let clusterArn: string | undefined;
  if (target === 'aws') {
    clusterArn =
      checked(flags.clusterArn, '--cluster-arn', validClusterArn) ??
      (await askText(host, { message: 'MSK cluster ARN', flag: '--cluster-arn', rule: 'clusterArn' }));
  }
  return { name, target, account, region, ...(clusterArn ? { clusterArn } : {}) };
}

export async function askDomainAnswers(
  kind: 'producer' | 'consumer',
  flags: InitFlags,
  host: IoHost,
  mesh: { target: Target; region: string },
): Promise<DomainAnswers> {
  const name =
    checked(flags.name, '<name>', validName) ??
    (await askText(host, { message: `Name of the ${kind} domain`, flag: '<name>', rule: 'name' }));
  const ownerTeam =
    checked(flags.ownerTeam, '--owner-team', notEmpty) ??
    (await askText(host, { message: 'Owner team', flag: '--owner-team', default: `${name}-team`, rule: 'notEmpty' }));
  const ownerContact =
    checked(flags.ownerContact, '--owner-contact', notEmpty) ??
    (await askText(host, { message: 'Owner contact (email or channel)', flag: '--owner-contact', rule: 'notEmpty' }));
  const account =
    checked(flags.account, '--account', validAccount) ??
    (mesh.target === 'local'
      ? localAccountId(name)
      : await askText(host, { message: `AWS account id of ${name}`, flag: '--account', rule: 'account' }));
  const region =
    checked(flags.region, '--region', validRegion) ??
    (await askText(host, { message: 'Region', flag: '--region', default: mesh.region, rule: 'region' }));
  let storage: StorageKind = 'relational';
  let useCase: UseCase = 'stream-handler';
  if (kind === 'producer') {
    storage =
      checkedChoice(flags.storage, STORAGE_KINDS, '--storage') ??
      (await askSelect<StorageKind>(host, {
        message: 'Where does the data live today?',
        flag: '--storage',
        default: 'relational',
        choices: [
          { value: 'relational', name: 'relational (Aurora, RDS)', description: 'export job: SQL unload / Glue JDBC job' },
          { value: 'key-value', name: 'key-value (DynamoDB)', description: 'export job: point-in-time export to S3 + Athena flatten' },
          { value: 'event-files', name: 'event files in S3', description: 'export job: Athena CTAS' },
        ],
      }));
  } else {
    useCase =
      checkedChoice(flags.useCase, USE_CASES, '--use-case') ??
      (await askSelect<UseCase>(host, {
        message: 'What will the domain do?',
        flag: '--use-case',
        default: 'stream-handler',
        choices: [
          { value: 'stream-handler', name: 'handle product events', description: 'a stream handler (Lambda for MSK events)' },
          { value: 'recommendations', name: 'recommendations', description: 'a stream handler and a Personalize project' },
        ],
      }));
  }
  return { kind, name, ownerTeam, ownerContact, account, region, storage, useCase };
}
