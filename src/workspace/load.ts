import path from 'node:path';
import { MeshError } from '../core/errors.js';
import type { DomainEntry, MeshEntry, ProductEntry, RuleInput } from './entries.js';
import type { Product, Target, Workspace } from './model.js';
import { normalizeDomain } from './normalize-domain.js';
import { normalizeMesh } from './normalize-mesh.js';
import { normalizeProduct } from './normalize-product.js';
import { exists } from './paths.js';
import { formatProblem, hasErrors, type Problem, sortProblems } from './problems.js';
import { MESH_FILE, readWorkspaceFiles } from './read-files.js';
import { Reporter } from './reporter.js';
import { runRules } from './rules.js';

export interface LoadOptions {
  /** Overrides mesh.yaml's target (the global --target flag). */
  readonly target?: Target;
}

export interface ValidationResult {
  /** Present when there are no errors (warnings allowed). */
  readonly workspace?: Workspace;
  readonly problems: readonly Problem[];
}

/** The folder holding mesh.yaml: `start` or the nearest parent that has one. */
export async function findWorkspaceRoot(start: string): Promise<string | undefined> {
  let dir = path.resolve(start);
  for (;;) {
    if ((await exists(path.join(dir, MESH_FILE))) === 'file') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function workspaceNotFound(start: string): MeshError {
  return new MeshError('WorkspaceNotFound', `No ${MESH_FILE} in ${start} or any folder above it.`, {
    hint: 'Run `mesh init` to create a workspace (or `mesh init --example music-streaming`), or pass --cwd <folder>.',
  });
}

/**
 * Reads every file and resolves the model, reporting file and schema problems; the cross-file rules have not run yet.
 * `input` is undefined when mesh.yaml itself cannot be used.
 */
export async function resolveWorkspaceFiles(root: string, options: LoadOptions = {}): Promise<{ input?: RuleInput; reporter: Reporter }> {
  const reporter = new Reporter();
  const files = await readWorkspaceFiles(reporter, root);
  if (!files.mesh) return { reporter };
  const config = normalizeMesh(files.mesh.raw, root, options.target);
  const mesh: MeshEntry = { ...files.mesh, config };
  const products: ProductEntry[] = [];
  for (const domain of files.domains) {
    for (const contract of domain.products) products.push(await normalizeProduct(reporter, root, config, domain, contract));
  }
  const byName = new Map<string, Product>();
  for (const entry of products) if (!byName.has(entry.product.name)) byName.set(entry.product.name, entry.product);
  const domains: DomainEntry[] = [];
  for (const domain of files.domains) domains.push(await normalizeDomain(reporter, root, config, domain, byName));
  return { reporter, input: { root, mesh, domains, products, unresolvedProducts: files.unresolvedProducts } };
}

/** Reads and checks every file of the workspace at `root`; returns all problems at once. Never throws for bad files. */
export async function validateWorkspace(root: string, options: LoadOptions = {}): Promise<ValidationResult> {
  const { input, reporter } = await resolveWorkspaceFiles(root, options);
  if (!input) return { problems: sortProblems(reporter.problems) };
  runRules(input, reporter);
  const problems = sortProblems(reporter.problems);
  if (hasErrors(problems)) return { problems };
  return {
    problems,
    workspace: {
      root,
      meshFile: input.mesh.source.abs,
      mesh: input.mesh.config,
      domains: input.domains.map((d) => d.domain),
      products: input.products.map((p) => p.product),
    },
  };
}

/** The error `loadWorkspace` throws for a workspace with errors: exit 2, every problem in details. */
export function configInvalid(problems: readonly Problem[]): MeshError {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  return new MeshError(
    'ConfigInvalid',
    `The workspace has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; first: ${formatProblem(first)}` : ''}`,
    {
      hint: first?.hint ? `${first.hint} Run \`mesh validate\` to see every problem.` : 'Run `mesh validate` to see every problem.',
      ...(first ? { location: { file: first.file, line: first.line, column: first.column, path: first.path } } : {}),
      details: { problems },
    },
  );
}

/**
 * The resolved workspace for the folder `cwdOrRoot` is in (walking up to mesh.yaml).
 * Throws MeshError `WorkspaceNotFound` (no mesh.yaml) or `ConfigInvalid` (exit 2, `details.problems`).
 */
export async function loadWorkspace(cwdOrRoot: string, options: LoadOptions = {}): Promise<Workspace> {
  const root = await findWorkspaceRoot(cwdOrRoot);
  if (!root) throw workspaceNotFound(path.resolve(cwdOrRoot));
  const result = await validateWorkspace(root, options);
  if (!result.workspace) throw configInvalid(result.problems);
  return result.workspace;
}
