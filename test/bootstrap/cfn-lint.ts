// cfn-lint, installed by node scripts/services.mjs (scripts/requirements-test.txt): the field's checker for the
// CloudFormation templates `mesh bootstrap --template` writes. A missing install fails the test that needs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CFN_LINT = path.join(ROOT, '.services', 'venv', 'bin', 'cfn-lint');

/** cfn-lint's exit code and output (parseable format) for these templates. */
export function cfnLint(files: string[]): { code: number; output: string } {
  if (!existsSync(CFN_LINT)) {
    throw new Error(`cfn-lint is not installed at ${CFN_LINT}: run node scripts/services.mjs (it installs scripts/requirements-test.txt).`);
  }
  const r = spawnSync(CFN_LINT, ['--format', 'parseable', '--', ...files], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
