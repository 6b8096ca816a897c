import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { didYouMean, MeshError, usageError } from '../core/errors.js';
import type { IoHost } from '../core/messages.js';
import { findWorkspaceRoot } from '../workspace/load.js';
import type { Target } from '../workspace/model.js';
import { askDomainAnswers, askKind, askMeshAnswers, type InitFlags, type InitKind } from './init-questions.js';
import { addDomainToMeshFile } from './mesh-file-edit.js';
import { EXAMPLES, planMusicExample } from './music-example.js';
import { planConsumerFiles, planMeshFiles, planProducerFiles } from './plan-domain.js';
import { type PlannedFile, textFile } from './template-files.js';
import { type WriteResult, writeFilePlan } from './write-files.js';

export interface InitRequest extends InitFlags {
  /** Where to start: the folder to create in, or inside the workspace to add a domain to. Absolute. */
  readonly dir: string;
  readonly example?: string;
  /** `github`: write the CI workflow and CODEOWNERS (for the workspace `dir` is in, or with the example). */
  readonly ci?: string;
  /** GitHub organisation of the owner teams in CODEOWNERS (`@<org>/<team>`). */
  readonly githubOrg?: string;
  /** Team owning mesh.yaml and the workflow in CODEOWNERS. */
  readonly platformTeam?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export interface InitResult extends WriteResult {
  readonly kind: InitKind | 'example' | 'ci';
  readonly name: string;
  /** The workspace root the files are relative to. */
  readonly root: string;
  /** Commands worth running next. */
  readonly next: readonly string[];
  /** Files already there with the same content (init --ci): left alone. */
  readonly unchanged?: readonly string[];
  /** What is left for the user to do by hand. */
  readonly warnings?: readonly string[];
}

interface MeshSummary {
  readonly name: string;
  readonly target: Target;
  readonly region: string;
}

async function readMeshSummary(root: string): Promise<{ summary: MeshSummary; text: string }> {
  const text = await readFile(path.join(root, 'mesh.yaml'), 'utf8');
  let raw: Record<string, unknown> = {};
  try {
    raw = (parseYamlText(text) as Record<string, unknown> | null) ?? {};
  } catch {
    // reported by addDomainToMeshFile with its position
  }
  const central = (raw.centralCatalog ?? {}) as Record<string, unknown>;
  return {
    text,
    summary: {
      name: typeof raw.name === 'string' ? raw.name : path.basename(root),
      target: raw.target === 'aws' ? 'aws' : 'local',
      region: typeof central.region === 'string' ? central.region : 'us-east-1',
    },
  };
}

const EXAMPLE_NEXT = ['mesh validate', 'mesh publish-product', 'mesh subscribe users --domain recommendations'];

async function planExample(request: InitRequest): Promise<PlannedFile[]> {
  const example = request.example ?? '';
  if (!(EXAMPLES as readonly string[]).includes(example)) {
    throw new MeshError('UnknownExample', `There is no example "${example}".`, {
      hint: didYouMean(example, EXAMPLES) ?? `Examples: ${EXAMPLES.join(', ')}.`,
    });
  }
  return planMusicExample({ target: request.target === 'aws' ? 'aws' : 'local' });
}

async function initExample(request: InitRequest): Promise<InitResult> {
  const files = await planExample(request);
  const result = await writeFilePlan({ root: request.dir, files, edits: [] }, request);
  return { ...result, kind: 'example', name: request.example ?? '', root: request.dir, next: EXAMPLE_NEXT };
}

/** `--ci github`, alone in a workspace or with `--example`. */
async function initCi(request: InitRequest & { ci: string }): Promise<InitResult> {
  if (request.kind !== undefined) {
    throw usageError(
      '--ci writes the CI files of a whole workspace; it does not go with a kind.',
      'Create the domain first, then run `mesh init --ci github --force` to regenerate the CI files.',
    );
  }
  const exampleFiles = request.example !== undefined ? await planExample(request) : undefined;
  const { runInitCi } = await import('./init-ci.js');
  const result = await runInitCi({ ...request, exampleFiles });
  const next = [
    ...(exampleFiles ? EXAMPLE_NEXT : ['mesh validate']),
    'git add .github && git commit -m "mesh: CI workflow and CODEOWNERS"',
  ];
  return { ...result, kind: exampleFiles ? 'example' : 'ci', name: request.example ?? request.ci, next };
}

/**
 * `mesh init`: a mesh workspace, a producer or consumer domain (added to mesh.yaml), or an example. Asks for what the
 * flags leave out (asked of the host), then writes the files; never overwrites a file without `force`.
 */
export async function runInit(request: InitRequest, host: IoHost): Promise<InitResult> {
  if (request.ci !== undefined) return initCi({ ...request, ci: request.ci });
  if (request.example !== undefined) return initExample(request);
  const root = await findWorkspaceRoot(request.dir);
  const kind = await askKind(request, host, root !== undefined);

  if (kind === 'mesh') {
    const answers = await askMeshAnswers(request, host, request.dir, 'explicit');
    const files = await planMeshFiles(answers);
    const result = await writeFilePlan({ root: request.dir, files, edits: [] }, request);
    return {
      ...result,
      kind,
      name: answers.name,
      root: request.dir,
      next: ['mesh init producer <name>', 'mesh init consumer <name>', 'mesh validate'],
    };
  }

  let workspaceRoot = root;
  let meshSummary: MeshSummary;
  let meshText: string | undefined;
  const newMeshFiles: PlannedFile[] = [];
  if (workspaceRoot) {
    const read = await readMeshSummary(workspaceRoot);
    meshSummary = read.summary;
    meshText = read.text;
  } else {
    // A domain outside any workspace: create the mesh around it first.
    workspaceRoot = request.dir;
    const meshAnswers = await askMeshAnswers(request, host, request.dir, 'implicit');
    meshSummary = meshAnswers;
    for (const file of await planMeshFiles(meshAnswers)) {
      if (file.path === 'mesh.yaml') meshText = file.content.toString('utf8');
      else newMeshFiles.push(file);
    }
  }

  const answers = await askDomainAnswers(kind, request, host, meshSummary);
  const destination = `domains/${answers.name}`;
  const domainFiles =
    kind === 'producer'
      ? await planProducerFiles(meshSummary.name, answers, destination)
      : await planConsumerFiles(meshSummary.name, answers, destination);
  const edited = addDomainToMeshFile(meshText ?? '', destination, { domain: answers.name, account: answers.account });
  const meshFile = textFile('mesh.yaml', edited.text);
  const plan = root
    ? { root: workspaceRoot, files: domainFiles, edits: edited.changed ? [meshFile] : [] }
    : { root: workspaceRoot, files: [meshFile, ...newMeshFiles, ...domainFiles], edits: [] };
  const result = await writeFilePlan(plan, request);
  const next =
    kind === 'producer'
      ? ['mesh validate', `mesh publish-product ${answers.name}`]
      : ['mesh validate', 'mesh catalog', `mesh subscribe <product> --domain ${answers.name}`];
  return { ...result, kind, name: answers.name, root: workspaceRoot, next };
}
