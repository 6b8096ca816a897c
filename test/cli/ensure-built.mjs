// Builds dist/ (tsc, then the CLI bundle) when it is missing or older than any file in src/, or when the bundle or
// the help template is older than the compiled modules. Run under `flock` so parallel test files build once.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function builtAt() {
  try {
    return statSync(path.join(root, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/** The bundle and the help template bin/mesh.cjs uses are older than the compiled modules (a build that ran tsc alone). */
function bundleStale() {
  try {
    const files = ['main.js', 'help.json'].map((f) => statSync(path.join(root, 'dist', 'bundle', f)).mtimeMs);
    return Math.min(...files) < builtAt();
  } catch {
    return true;
  }
}

if (builtAt() < newest(path.join(root, 'src')) || bundleStale()) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // tsc still writes dist/ when another module has type errors; the CLI tests then show what works.
  if (builtAt() === 0) process.exit(result.status ?? 1);
  // The bundle bin/mesh.cjs runs (it falls back to dist/cli when the bundle is older), as `npm run build` makes it.
  const bundle = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: 'inherit' });
  if (bundle.status !== 0) process.exit(bundle.status ?? 1);
}
