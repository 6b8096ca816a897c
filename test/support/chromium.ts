/**
 * The one way tests get a headless Chromium. The browser comes from the npm registry with `npm ci`: the dev
 * dependency @sparticuz/chromium ships a brotli-compressed Chromium build (and the few shared libraries it may not
 * find on a bare machine: NSS, expat) inside the package itself. It is unpacked once into
 * node_modules/.cache/mesh-chromium/<version>/ and launched from there with playwright-core. CHROMIUM_PATH names
 * another binary (e.g. Debian's /usr/bin/chromium) instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';

const PACKAGE = '@sparticuz/chromium';

export interface ChromiumInstall {
  readonly executablePath: string;
  /** Extra environment for the browser process (shared libraries and fonts shipped with the package). */
  readonly env: Record<string, string>;
}

function packageDir(): string {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', PACKAGE);
  if (!existsSync(path.join(dir, 'bin', 'chromium.br'))) {
    throw new Error(`No Chromium: the dev dependency ${PACKAGE} is not installed. Run \`npm ci\` (or set CHROMIUM_PATH).`);
  }
  return dir;
}

function unpackTar(brFile: string, into: string): void {
  const tar = `${into}.tar`;
  writeFileSync(tar, brotliDecompressSync(readFileSync(brFile)));
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xf', tar, '-C', into]);
  rmSync(tar);
}

/** Finds (and on first use unpacks) the test Chromium. Safe when several test files call it at once. */
export function findChromium(): ChromiumInstall {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`No Chromium at CHROMIUM_PATH=${fromEnv}: unset it to use ${PACKAGE}.`);
    return { executablePath: fromEnv, env: {} };
  }
  const dir = packageDir();
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const cache = path.resolve(dir, '..', '..', '.cache', 'mesh-chromium', version);
  const done = path.join(cache, 'chromium');
  if (!existsSync(done)) {
    const staging = `${cache}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const bin = path.join(dir, 'bin');
    writeFileSync(path.join(staging, 'chromium'), brotliDecompressSync(readFileSync(path.join(bin, 'chromium.br'))), { mode: 0o755 });
    unpackTar(path.join(bin, 'al2023.tar.br'), path.join(staging, 'al2023'));
    unpackTar(path.join(bin, 'fonts.tar.br'), path.join(staging, 'fonts'));
    // Chromium looks for its GL libraries beside the binary
    unpackTar(path.join(bin, 'swiftshader.tar.br'), staging);
    const fonts = path.join(cache, 'fonts');
    writeFileSync(
      path.join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<fontconfig><dir>${fonts}/fonts</dir><cachedir>${fonts}/cache</cachedir></fontconfig>\n`,
    );
    try {
      renameSync(staging, cache);
    } catch {
      // another test file unpacked it first
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const libs = [path.join(cache, 'al2023', 'lib')];
  return {
    executablePath: done,
    env: {
      // the machine's own libraries first; the packaged NSS/expat only fill in what is missing
      LD_LIBRARY_PATH: [process.env.LD_LIBRARY_PATH, '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', ...libs]
        .filter(Boolean)
        .join(':'),
      FONTCONFIG_PATH: path.join(cache, 'fonts'),
    },
  };
}

/** A headless Chromium driven by playwright-core. */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = findChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    // The packaged build takes its locale from LANG/LC_ALL; with none (or C/POSIX) pages see `en-US@posix`, which
    // Intl refuses ("Invalid language tag"): name the locale.
    env: { ...process.env, ...env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' } as Record<string, string>,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--lang=en-US'],
  });
}
