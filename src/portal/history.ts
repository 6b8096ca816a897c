/**
 * A product's version history from git: each commit that changed its contract file (newest first, at most 20), with
 * the contract's version and columns at that commit, and the changes that break readers marked: a column dropped or
 * its type changed against the commit before. Outside a git repository (or without git) the history is empty.
 */
import path from 'node:path';
import { parse } from 'yaml';
import { git, repoRoot } from '../access/git.js';

export interface HistoryEntry {
  readonly commit: string;
  readonly date: string;
  readonly author: string;
  readonly subject: string;
  readonly version?: string;
  readonly breaking: readonly string[];
  readonly added: readonly string[];
}

const MAX_COMMITS = 20;

function columnsOf(text: string): Map<string, string> | undefined {
  try {
    const doc = parse(text) as { schema?: { properties?: { name?: string; physicalType?: string; logicalType?: string }[] }[] };
    const props = doc?.schema?.[0]?.properties ?? [];
    return new Map(props.flatMap((p) => (p.name ? [[p.name, String(p.physicalType ?? p.logicalType ?? '')] as const] : [])));
  } catch {
    return undefined;
  }
}

function versionOf(text: string): string | undefined {
  return /^version:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
}

export async function contractHistory(contractFile: string): Promise<HistoryEntry[]> {
  const dir = path.dirname(contractFile);
  const root = await repoRoot(dir);
  if (!root) return [];
  const rel = path.relative(root, contractFile).split(path.sep).join('/');
  const log = await git(['log', `-n${MAX_COMMITS}`, '--format=%H%x1f%aI%x1f%an%x1f%s', '--', rel], root);
  if (!log.ok) return [];
  const commits = log.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\x1f'));
  const texts = await Promise.all(commits.map(async ([sha]) => (await git(['show', `${sha}:${rel}`], root)).stdout));
  return commits.map(([commit = '', date = '', author = '', subject = ''], i) => {
    const now = columnsOf(texts[i] ?? '');
    const before = i + 1 < texts.length ? columnsOf(texts[i + 1] ?? '') : undefined;
    const breaking: string[] = [];
    const added: string[] = [];
    if (now && before) {
      for (const [name, type] of before) {
        if (!now.has(name)) breaking.push(`dropped ${name}`);
        else if (now.get(name) !== type) breaking.push(`${name}: ${type} → ${now.get(name)}`);
      }
      for (const name of now.keys()) if (!before.has(name)) added.push(name);
    }
    const version = versionOf(texts[i] ?? '');
    return { commit: commit.slice(0, 12), date, author, subject, ...(version ? { version } : {}), breaking, added };
  });
}
