/**
 * Builds a subscription's handler folder into what Lambda (or the local runner) runs: one CommonJS file bundled by
 * esbuild (platform node, target node20), with `@aws-sdk/*` left external because the Lambda nodejs22.x runtime
 * provides it (the local runner provides it from mesh's own node_modules via NODE_PATH).
 *
 * Deterministic on purpose: esbuild's output depends only on the inputs (paths in comments are relative to the
 * handler folder, not the current directory), and the zip has fixed timestamps and permissions, so the same files
 * give the same CodeSha256 on every machine and a re-run plans a no-op.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { MeshError } from '../../core/errors.js';
import { isInside } from '../../workspace/paths.js';

export interface HandlerEntry {
  /** Absolute path of the handler module, e.g. `<dir>/index.ts`. */
  readonly entryFile: string;
  /** The exported function, e.g. `handler`. */
  readonly exportName: string;
  /** The module path Lambda loads, without extension, e.g. `index` (so the Lambda Handler stays `index.handler`). */
  readonly modulePath: string;
}

const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** `index.handler` in `dir` → `dir/index.{ts,mts,cts,js,mjs,cjs}`, export `handler`. */
export function resolveHandlerEntry(handlerDir: string, handler: string, where?: string): HandlerEntry {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new MeshError('HandlerInvalid', `"${handler}" is not a handler: use <file>.<export>, e.g. index.handler.`, {
      ...(where ? { location: { file: where } } : {}),
    });
  }
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  for (const ext of EXTENSIONS) {
    const candidate = path.join(handlerDir, `${modulePath}${ext}`);
    if (existsSync(candidate)) return { entryFile: candidate, exportName, modulePath };
  }
  throw new MeshError('HandlerNotFound', `No ${modulePath}.ts or ${modulePath}.js in the handler folder ${handlerDir}.`, {
    hint: `Create ${path.join(handlerDir, `${modulePath}.ts`)} exporting "${exportName}", or fix the handler in the domain file.`,
    ...(where ? { location: { file: where } } : {}),
  });
}

export interface BuildOptions {
  readonly handlerDir: string;
  readonly entry: HandlerEntry;
  /** Replace the entry with this source (resolved from the handler folder), e.g. the local runner's host wrapper. */
  readonly stdinSource?: string;
  /** Keep these external (default `@aws-sdk/*`). */
  readonly external?: readonly string[];
}

/** The node_modules folder mesh itself is installed in (where esbuild resolves from). */
function meshNodeModules(): string[] {
  try {
    const require = createRequire(import.meta.url);
    return [path.dirname(path.dirname(require.resolve('esbuild/package.json')))];
  } catch {
    return [];
  }
}

/** The workspace a handler folder is in: the nearest folder above it with a mesh.yaml (else the folder itself). */
function workspaceOf(handlerDir: string): string {
  for (let dir = path.resolve(handlerDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'mesh.yaml'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(handlerDir);
  }
}

const realOrItself = (p: string) => {
  try {
    return realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
};

/** mesh's own package folder (the nearest package.json above this module, from dist/ or the bundle alike). */
function meshPackageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return here;
  }
}

/**
 * Every file the bundle reads must really be in the handler's workspace (outside `.mesh/`, which holds every domain's
 * data) or in mesh's own installation: the bundle is uploaded to the consumer's Lambda, so a symbolic link or an
 * absolute import (an import of `~/.aws/credentials` by its absolute path, read as text) would carry a file of the machine
 * running mesh into it.
 */
function filesInsideWorkspace(handlerDir: string): Plugin {
  const workspace = realOrItself(workspaceOf(handlerDir));
  const state = path.join(workspace, '.mesh');
  const mesh = realOrItself(meshPackageRoot());
  const allowed = [workspace, mesh, ...meshNodeModules().map(realOrItself)];
  return {
    name: 'mesh-files-inside-workspace',
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace !== 'file') return undefined;
        const real = realOrItself(args.path);
        if (allowed.some((root) => isInside(root, real)) && !isInside(state, real)) return undefined;
        const shown = path.relative(handlerDir, args.path) || args.path;
        return {
          errors: [
            {
              // esbuild has followed symbolic links already: this is where the file really is.
              text: `${shown} is outside the workspace (or in its .mesh folder): a handler bundles only the workspace's files and installed packages.`,
            },
          ],
        };
      });
    },
  };
}

/** Bundles to one CommonJS file; returns its bytes. Build errors become `HandlerBuildFailed` with file:line. */
export async function buildHandler(options: BuildOptions): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      ...(options.stdinSource !== undefined
        ? { stdin: { contents: options.stdinSource, resolveDir: options.handlerDir, sourcefile: 'mesh-function-host.js', loader: 'js' } }
        : { entryPoints: [options.entry.entryFile] }),
      absWorkingDir: options.handlerDir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // Powertools' Kafka utility loads avro-js/protobufjs only for those schema types; the example uses JSON.
      external: [...(options.external ?? ['@aws-sdk/*', 'avro-js', 'protobufjs'])],
      // Handlers in a workspace import packages mesh ships (Powertools, zod, AWS SDK types): resolve them there too.
      nodePaths: meshNodeModules(),
      outfile: path.join(options.handlerDir, `${options.entry.modulePath}.js`),
      write: false,
      logLevel: 'silent',
      charset: 'utf8',
      legalComments: 'none',
      plugins: [filesInsideWorkspace(options.handlerDir)],
    });
    const out = result.outputFiles[0];
    if (!out) throw new Error('esbuild produced no output');
    return out.contents;
  } catch (error) {
    const failures = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors;
    const first = failures?.[0];
    throw new MeshError(
      'HandlerBuildFailed',
      `The handler in ${options.handlerDir} does not build: ${first ? first.text : (error as Error).message}`,
      {
        hint:
          failures && failures.length > 1
            ? `${failures.length - 1} more error(s); fix the first and re-run.`
            : 'Fix the handler code and re-run.',
        ...(first?.location
          ? {
              location: {
                file: path.resolve(options.handlerDir, first.location.file),
                line: first.location.line,
                column: first.location.column + 1,
              },
            }
          : {}),
        cause: error,
      },
    );
  }
}

/** Local midnight, 1980-01-01: zip stores local DOS time, so this gives the same bytes in every time zone. */
const ZIP_EPOCH = new Date(1980, 0, 1, 0, 0, 0);

/** A zip with one file, fixed timestamp, Unix permissions 0644. Same input → same bytes. */
export async function zipDeterministic(files: Readonly<Record<string, Uint8Array>>): Promise<Uint8Array> {
  const { zipSync } = await import('fflate');
  const zippable: import('fflate').Zippable = {};
  for (const name of Object.keys(files).sort()) {
    zippable[name] = [files[name] as Uint8Array, { mtime: ZIP_EPOCH, os: 3, attrs: 0o100644 << 16, level: 9 }];
  }
  return zipSync(zippable);
}

/** Lambda's CodeSha256: base64 of the SHA-256 of the deployment package. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

export interface LambdaPackage {
  readonly zip: Uint8Array;
  readonly codeSha256: string;
  readonly entry: HandlerEntry;
}

/** Bundles and zips a handler folder for Lambda. */
export async function packageHandler(handlerDir: string, handler: string, where?: string): Promise<LambdaPackage> {
  const entry = resolveHandlerEntry(handlerDir, handler, where);
  const code = await buildHandler({ handlerDir, entry });
  const zip = await zipDeterministic({ [`${entry.modulePath}.js`]: code });
  return { zip, codeSha256: codeSha256(zip), entry };
}

const SKIPPED = new Set(['node_modules', '.git', '.mesh', 'dist', 'coverage']);

/** SHA-256 over the handler folder's files (paths and contents, sorted), skipping node_modules and dot folders. */
export function hashHandlerFolder(handlerDir: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string, rel: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (SKIPPED.has(entry.name) || (entry.isDirectory() && entry.name.startsWith('.'))) continue;
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs, relPath);
      else if (entry.isFile()) {
        hash.update(relPath).update('\0').update(readFileSync(abs)).update('\0');
      }
    }
  };
  if (!existsSync(handlerDir)) {
    throw new MeshError('HandlerNotFound', `The handler folder ${handlerDir} does not exist.`);
  }
  walk(handlerDir, '');
  return hash.digest('hex');
}
