/** The few git calls mesh access needs, by spawning git (no library). */
import { execFile } from 'node:child_process';

export interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** git is not installed. */
  readonly missing?: boolean;
}

export function git(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ ok: false, stdout: '', stderr: '', missing: true });
      else resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The git repository holding `dir`, or undefined outside one (or without git). */
export async function repoRoot(dir: string): Promise<string | undefined> {
  const result = await git(['rev-parse', '--show-toplevel'], dir);
  return result.ok ? result.stdout.trim() : undefined;
}

/** `Name <email>` from git config, or undefined when git or the identity is missing. */
export async function gitIdentity(dir: string): Promise<string | undefined> {
  const name = (await git(['config', 'user.name'], dir)).stdout.trim();
  const email = (await git(['config', 'user.email'], dir)).stdout.trim();
  if (!name && !email) return undefined;
  return name && email ? `${name} <${email}>` : name || email;
}
