import path from 'node:path';
import { DOMAIN_DEFAULTS, type DomainFile, domainFileSchema } from './domain-schema.js';
import { type MeshFile, meshFileSchema } from './mesh-schema.js';
import { expandPattern, hasWildcard, isReallyInside, relativeTo, resolveInside } from './paths.js';
import { type PathSegment, ProblemCode } from './problems.js';
import { type ProductContract, productContractSchema } from './product-schema.js';
import { Reporter } from './reporter.js';
import { parseYaml, readText, type SourceFile } from './yaml-source.js';
import { parseWithProblems } from './zod-problems.js';

export const MESH_FILE = 'mesh.yaml';
export const DOMAIN_FILE = 'domain.yaml';

export interface Parsed<T> {
  readonly source: SourceFile;
  readonly raw: T;
}

/** Where a file was named, so "missing file" points at the line that names it. */
export interface Reference {
  readonly source: SourceFile;
  readonly path: readonly PathSegment[];
}

export interface ParsedDomain extends Parsed<DomainFile> {
  readonly dir: string;
  readonly products: Parsed<ProductContract>[];
}

export interface ParsedWorkspace {
  readonly root: string;
  /** Undefined when mesh.yaml is missing, malformed or fails its schema. */
  readonly mesh?: Parsed<MeshFile>;
  readonly domains: ParsedDomain[];
  /** Products that exist but could not be resolved (their file or their domain file has errors). */
  readonly unresolvedProducts: ReadonlySet<string>;
}

/** Reads and parses one YAML file, reporting a missing, unreadable, malformed or empty file. */
export async function readYamlDocument(
  reporter: Reporter,
  root: string,
  abs: string,
  ref?: Reference,
): Promise<{ source: SourceFile; data: unknown } | undefined> {
  const rel = relativeTo(root, abs);
  const read = await readText(abs);
  if (!read.ok) {
    const code = read.reason === 'missing' ? ProblemCode.FileNotFound : ProblemCode.FileUnreadable;
    const message = read.reason === 'missing' ? `${rel} does not exist.` : `${rel} cannot be read: ${read.detail}.`;
    if (ref) reporter.at(ref.source, ref.path, code, message);
    else reporter.atPosition(rel, { line: 1, column: 1 }, '', code, message);
    return undefined;
  }
  const parsed = parseYaml(abs, rel, read.text);
  if (parsed.kind === 'syntax') {
    for (const e of parsed.errors) {
      reporter.atPosition(rel, e.position, '', ProblemCode.YamlSyntax, `Malformed YAML: ${e.message}`, {
        hint: 'Check indentation, colons and quotes around this line.',
      });
    }
    return undefined;
  }
  if (parsed.kind === 'empty') {
    reporter.atPosition(rel, { line: 1, column: 1 }, '', ProblemCode.EmptyFile, `${rel} is empty.`, {
      hint: 'Run `mesh init` to generate a starter file, or delete it and its reference.',
    });
    return undefined;
  }
  return { source: parsed.source, data: parsed.data };
}

/** `products/orders.odcs.yaml` → `orders`: a guess at a product's name when its file cannot be read. */
function nameFromFile(abs: string): string {
  return path.basename(abs).replace(/(\.odcs)?\.ya?ml$/, '');
}

async function readProducts(
  reporter: Reporter,
  root: string,
  source: SourceFile,
  listed: readonly string[] | undefined,
  dir: string,
  unresolved: Set<string>,
): Promise<Parsed<ProductContract>[]> {
  const patterns = listed ?? DOMAIN_DEFAULTS.products;
  const files: { abs: string; ref: Reference }[] = [];
  for (const [index, pattern] of patterns.entries()) {
    const ref: Reference = { source, path: listed ? ['products', index] : [] };
    const target = resolveInside(root, dir, pattern);
    if (!target) {
      reporter.at(ref.source, ref.path, ProblemCode.PathEscapesWorkspace, `"${pattern}" points outside the workspace.`, {
        hint: 'Keep product contracts inside the domain folder, e.g. products/<name>.odcs.yaml.',
      });
      continue;
    }
    if (hasWildcard(pattern)) {
      const matches = await expandPattern(dir, pattern);
      if (matches.length === 0 && listed) {
        reporter.at(ref.source, ref.path, ProblemCode.NoMatch, `No file matches "${pattern}".`, { severity: 'warning' });
      }
      for (const abs of matches) {
        if (isReallyInside(root, abs)) files.push({ abs, ref });
        else
          reporter.at(ref.source, ref.path, ProblemCode.PathEscapesWorkspace, `${relativeTo(root, abs)} leads outside the workspace.`, {
            hint: 'It is a symbolic link to a file elsewhere: keep product contracts in the workspace as files, not links.',
          });
      }
    } else {
      files.push({ abs: target, ref });
    }
  }
  const seen = new Set<string>();
  const products: Parsed<ProductContract>[] = [];
  for (const { abs, ref } of files) {
    if (seen.has(abs)) continue;
    seen.add(abs);
    const doc = await readYamlDocument(reporter, root, abs, ref);
    if (!doc) {
      unresolved.add(nameFromFile(abs));
      continue;
    }
    const checked = parseWithProblems(productContractSchema, doc.data, doc.source);
    if (checked.ok) {
      products.push({ source: doc.source, raw: checked.value });
      continue;
    }
    reporter.addAll(checked.problems);
    unresolved.add(nameFromFile(abs));
    const name = (doc.data as { name?: unknown } | null)?.name;
    if (typeof name === 'string') unresolved.add(name);
  }
  return products;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** Phase one of loading: every file read, parsed and checked against its schema. */
export async function readWorkspaceFiles(reporter: Reporter, root: string): Promise<ParsedWorkspace> {
  const doc = await readYamlDocument(reporter, root, path.join(root, MESH_FILE));
  const domains: ParsedDomain[] = [];
  const unresolvedProducts = new Set<string>();
  if (!doc) return { root, domains, unresolvedProducts };
  const checked = parseWithProblems(meshFileSchema, doc.data, doc.source);
  let mesh: Parsed<MeshFile> | undefined;
  let entries: unknown[];
  if (checked.ok) {
    mesh = { source: doc.source, raw: checked.value };
    entries = checked.value.domains ?? [];
  } else {
    // mesh.yaml has problems of its own: still check the domains it lists, so one run reports everything.
    reporter.addAll(checked.problems);
    const listed = (doc.data as { domains?: unknown } | null)?.domains;
    entries = Array.isArray(listed) ? listed : [];
  }
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'string' || entry === '') continue;
    const ref: Reference = { source: doc.source, path: ['domains', index] };
    const target = resolveInside(root, root, entry);
    if (!target) {
      reporter.at(doc.source, ref.path, ProblemCode.PathEscapesWorkspace, `Domain "${entry}" is outside the workspace.`, {
        hint: 'Domain folders live inside the folder that holds mesh.yaml, e.g. domains/<name>.',
      });
      continue;
    }
    const file = /\.ya?ml$/.test(target) ? target : path.join(target, DOMAIN_FILE);
    if (!isReallyInside(root, file)) {
      reporter.at(doc.source, ref.path, ProblemCode.PathEscapesWorkspace, `${relativeTo(root, file)} leads outside the workspace.`, {
        hint: 'It is a symbolic link to a file elsewhere: keep domain files in the workspace as files, not links.',
      });
      continue;
    }
    const dir = path.dirname(file);
    const domainDoc = await readYamlDocument(reporter, root, file, ref);
    if (!domainDoc) {
      // Unreadable domain file: its products (found the default way, problems not reported) still count as existing.
      for (const product of await readProducts(new Reporter(), root, doc.source, undefined, dir, unresolvedProducts)) {
        unresolvedProducts.add(product.raw.name);
      }
      continue;
    }
    const domainChecked = parseWithProblems(domainFileSchema, domainDoc.data, domainDoc.source);
    if (domainChecked.ok) {
      const raw = domainChecked.value;
      const products = await readProducts(reporter, root, domainDoc.source, raw.products, dir, unresolvedProducts);
      domains.push({ source: domainDoc.source, raw, dir, products });
    } else {
      // The domain cannot be resolved, but its contracts are still checked (and their products are known to exist).
      reporter.addAll(domainChecked.problems);
      const listed = stringList((domainDoc.data as { products?: unknown } | null)?.products);
      for (const product of await readProducts(reporter, root, domainDoc.source, listed, dir, unresolvedProducts)) {
        unresolvedProducts.add(product.raw.name);
      }
    }
  }
  return { root, mesh, domains, unresolvedProducts };
}
