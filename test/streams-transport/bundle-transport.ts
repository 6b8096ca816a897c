// Bundles src/streams/transport with esbuild into one .mjs for child processes (tsx is not installed). Packages stay
// external but are rewritten to absolute paths, so the bundle runs from a temp folder outside the repo.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

export async function bundleTransport(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'stream-transport.bundle.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'src', 'streams', 'transport', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'error',
    plugins: [
      {
        name: 'absolute-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('node:')) return { path: args.path, external: true };
            return { path: requireFromRoot.resolve(args.path), external: true };
          });
        },
      },
    ],
  });
  return outfile;
}
