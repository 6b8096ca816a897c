/** The trust tests' workspaces: written from files, validated, removed after each test. */
import { afterEach } from 'vitest';
import { validateWorkspace } from '../../src/workspace/load.js';
import { type Files, removeWorkspace, writeWorkspace } from '../workspace/fixture.js';

export function workspacesPerTest(): { root(files: Files): Promise<string>; errorsOf(files: Files): Promise<string[]> } {
  const roots: string[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) await removeWorkspace(root);
  });
  const root = async (files: Files) => {
    const dir = await writeWorkspace(files);
    roots.push(dir);
    return dir;
  };
  /** The errors validation reports, as `<code> <file> <path>`. */
  const errorsOf = async (files: Files) => {
    const { problems } = await validateWorkspace(await root(files));
    return problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.file} ${p.path}`);
  };
  return { root, errorsOf };
}
