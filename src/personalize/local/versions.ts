/**
 * Local solution versions: `<localDir>/personalize/<domain>/versions/<n>/` holds metadata.json, one model file
 * per solution (`<solution>.model`, the engine's serialised format) and the datasets it was trained on (the
 * local campaign reads item metadata and event types from them for filters).
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MeshError } from '../../core/errors.js';

export interface LocalSolutionVersion {
  readonly solution: string;
  /** The engine recipe it was trained with. */
  readonly recipe: string;
  readonly recipeArn: string;
  readonly method: string;
  readonly trainingMode: 'FULL' | 'UPDATE';
  /** Mean over the holdout splits (GetSolutionMetrics names). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Standard deviation over the splits (absent in versions trained before repeated holdout). */
  readonly metricsStd?: Readonly<Record<string, number>>;
  /** Each split's metrics, in split order (the gate pairs them with the deployed version's). */
  readonly splitMetrics?: readonly Readonly<Record<string, number>>[];
  /** How the splits were drawn (count, seed, fractions); equal plans on equal data mean the same splits. */
  readonly splits?: { readonly count: number; readonly seed: number; readonly holdoutFraction: number; readonly truthFraction: number };
  /** popularity-count on the same splits: the baseline Personalize recommends comparing with. */
  readonly baseline?: {
    readonly recipe: 'popularity-count';
    readonly metrics: Readonly<Record<string, number>>;
    readonly metricsStd: Readonly<Record<string, number>>;
  };
  readonly trainMs: number;
  readonly evaluateMs: number;
  readonly testUsers: number;
  readonly modelFile: string;
}

export interface LocalVersionMetadata {
  readonly version: number;
  readonly createdAt: string;
  readonly dataFingerprint: string;
  readonly interactions: number;
  readonly items: number;
  readonly users: number;
  /** The real-time store's sequence numbers this version already contains (events after them are history). */
  readonly watermarks: { readonly events: number; readonly items: number; readonly users: number };
  readonly solutions: Readonly<Record<string, LocalSolutionVersion>>;
}

export function versionDir(versionsDir: string, version: number): string {
  return path.join(versionsDir, String(version));
}

/** Version numbers present, ascending. */
export async function listVersionNumbers(versionsDir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(versionsDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

export async function readVersion(versionsDir: string, version: number): Promise<LocalVersionMetadata> {
  try {
    return JSON.parse(await readFile(path.join(versionDir(versionsDir, version), 'metadata.json'), 'utf8')) as LocalVersionMetadata;
  } catch {
    throw new MeshError(
      'PersonalizeVersionMissing',
      `Local solution version ${version} is missing or unreadable (${versionDir(versionsDir, version)}).`,
      {
        hint: 'Run `mesh personalize train` again.',
      },
    );
  }
}

/** The newest version that contains `solution`. */
export async function latestVersionWith(versionsDir: string, solution: string): Promise<LocalVersionMetadata | undefined> {
  const numbers = await listVersionNumbers(versionsDir);
  for (const n of numbers.reverse()) {
    const meta = await readVersion(versionsDir, n).catch(() => undefined);
    if (meta?.solutions[solution]) return meta;
  }
  return undefined;
}

/** Reserves the next version folder (written under a temp name, renamed when complete). */
export async function writeVersion(
  versionsDir: string,
  write: (dir: string, version: number) => Promise<LocalVersionMetadata>,
): Promise<LocalVersionMetadata> {
  await mkdir(versionsDir, { recursive: true });
  const numbers = await listVersionNumbers(versionsDir);
  const version = (numbers[numbers.length - 1] ?? 0) + 1;
  const tmp = path.join(versionsDir, `.${version}.${process.pid}.tmp`);
  await mkdir(tmp, { recursive: true });
  const meta = await write(tmp, version);
  await writeFile(path.join(tmp, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await rename(tmp, versionDir(versionsDir, version));
  return meta;
}
