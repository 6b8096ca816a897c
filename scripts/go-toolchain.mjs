#!/usr/bin/env node
// Prints the path of a Go 1.22+ `go` binary, fetching one when the machine has none (or an older one).
//
// Only actionlint needs Go (scripts/install-actionlint.sh builds it with `go install`). A stock Debian 12 has Go 1.19
// in apt, too old for actionlint, and no download site may be reachable; the Go module proxy is a package registry
// like npm, and it serves every Go release as the module `golang.org/toolchain` (the same zip `GOTOOLCHAIN=goX.Y.Z`
// fetches). So: use the machine's Go when it is new enough; else download that zip from GOPROXY (default
// https://proxy.golang.org), check it against the SHA-256 pinned below, and unpack it into .services/go/.
//
// The pinned digests were checked against the Go checksum database: `go mod download -json
// golang.org/toolchain@v0.0.1-go1.26.8.linux-amd64` verifies the zip against sum.golang.org, and its SHA-256 is the
// one below. `MESH_FETCH_GO=1` ignores the machine's Go (to try the fetch);
// `MESH_GO_DIR` unpacks somewhere else than .services/go.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = 'go1.26.8';
const SHA256 = {
  amd64: '30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7',
  arm64: '02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99',
};

const goVersionOf = (go) => {
  const r = spawnSync(go, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = r.error ? undefined : /go(\d+)\.(\d+)/.exec(r.stdout);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};
const newEnough = (go) => {
  const v = goVersionOf(go);
  return v !== undefined && (v[0] > 1 || (v[0] === 1 && v[1] >= 22));
};

/** The machine's go when it is 1.22 or later (PATH, then /usr/local/go), else undefined. */
export function machineGo() {
  if (process.env.MESH_FETCH_GO === '1') return undefined; // to try the fetch on a machine that has Go
  for (const go of ['go', '/usr/local/go/bin/go']) if (newEnough(go)) return go;
  return undefined;
}

/** Where the fetched toolchain lives, and its go binary. */
const goDir = () => path.resolve(process.env.MESH_GO_DIR ?? path.join(ROOT, '.services', 'go'), VERSION);

export function fetchedGoPath() {
  return path.join(goDir(), 'bin', 'go');
}

async function fetchToolchain() {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  if (process.platform !== 'linux' || !arch) {
    throw new Error(
      `no Go 1.22+ here, and fetching one is only set up for Linux x64/arm64 (this is ${process.platform}/${process.arch}): install Go from https://go.dev/dl/`,
    );
  }
  const proxy =
    (process.env.GOPROXY ?? 'https://proxy.golang.org').split(/[,|]/).find((p) => p.startsWith('http')) ?? 'https://proxy.golang.org';
  const url = `${proxy.replace(/\/$/, '')}/golang.org/toolchain/@v/v0.0.1-${VERSION}.linux-${arch}.zip`;
  process.stderr.write(`go-toolchain: no Go 1.22+ on this machine; fetching ${VERSION} from ${url}\n`);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}`);
  const zip = new Uint8Array(await res.arrayBuffer());
  const digest = createHash('sha256').update(zip).digest('hex');
  if (digest !== SHA256[arch]) throw new Error(`${url}: SHA-256 ${digest}, expected ${SHA256[arch]}; not unpacked`);
  const prefix = `golang.org/toolchain@v0.0.1-${VERSION}.linux-${arch}/`;
  const dest = goDir();
  const staging = `${dest}.partial`;
  rmSync(staging, { recursive: true, force: true });
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    if (!name.startsWith(prefix) || name.endsWith('/')) continue;
    const rel = name.slice(prefix.length);
    if (rel.split('/').includes('..')) throw new Error(`${url}: entry ${name} leaves the folder; not unpacked`);
    const file = path.join(staging, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    // The zip's modes are not read by fflate: the binaries are bin/* and pkg/tool/<os_arch>/*.
    if (/^(bin|pkg\/tool\/[^/]+)\/[^/]+$/.test(rel)) chmodSync(file, 0o755);
  }
  rmSync(dest, { recursive: true, force: true });
  renameSync(staging, dest);
  return fetchedGoPath();
}

/** A usable go binary: the machine's, else the fetched one (fetching it once). */
export async function goBinary() {
  const go = machineGo();
  if (go) return go;
  if (existsSync(fetchedGoPath()) && newEnough(fetchedGoPath())) return fetchedGoPath();
  return fetchToolchain();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  goBinary().then(
    (go) => process.stdout.write(`${go}\n`),
    (error) => {
      process.stderr.write(`go-toolchain: ${error.message}\n`);
      process.exit(1);
    },
  );
}
