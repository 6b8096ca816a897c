// Looks inside a Lambda deployment package mesh built: the files in the zip, and what the bundled module is when
// loaded (its exports, and every module it requires at load time: only Node built-ins and the runtime's AWS SDK
// may stay outside the bundle).
import { builtinModules, createRequire } from 'node:module';
import { unzipSync } from 'fflate';

export interface BundleFacts {
  readonly files: string[];
  readonly exports: Record<string, string>;
  readonly requires: string[];
}

export function inspectBundle(zip: Uint8Array, entry = 'index.js'): BundleFacts {
  const files = unzipSync(zip);
  const code = new TextDecoder().decode(files[entry]);
  const resolveFrom = createRequire(import.meta.url);
  const requires = new Set<string>();
  const load = (id: string) => {
    requires.add(id);
    return resolveFrom(id);
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', '__filename', '__dirname', code)(
    module,
    module.exports,
    load,
    `/var/task/${entry}`,
    '/var/task',
  );
  return {
    files: Object.keys(files).sort(),
    exports: Object.fromEntries(Object.entries(module.exports).map(([k, v]) => [k, typeof v])),
    requires: [...requires].sort(),
  };
}

/** Is a required id a Node built-in or an AWS SDK v3 package (which the nodejs20.x runtime provides)? */
export function providedByRuntime(id: string): boolean {
  return id.startsWith('node:') || builtinModules.includes(id) || id.startsWith('@aws-sdk/');
}
