import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * actionlint needs Go 1.22+, which a stock Debian 12 lacks (its apt has 1.19). scripts/go-toolchain.mjs then takes a
 * Go release from the Go module proxy, checked against a pinned SHA-256. MESH_FETCH_GO=1 makes it ignore the
 * machine's Go, so this runs the fresh-machine path here.
 */
describe('a Go toolchain for actionlint on a machine without one', () => {
  it('fetches, verifies and unpacks a Go release that runs', (ctx) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mesh-go-'));
    ctx.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'go-toolchain.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, MESH_FETCH_GO: '1', MESH_GO_DIR: dir },
      timeout: 300_000,
    });
    expect(res.stderr).not.toMatch(/SHA-256 .* expected/);
    expect(res.status, res.stderr).toBe(0);
    const go = res.stdout.trim();
    expect(res.stderr).toContain('fetching go1.26.8 from');
    expect(go).toBe(path.join(dir, 'go1.26.8', 'bin', 'go'));
    const version = spawnSync(go, ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    expect(version.stdout).toMatch(/^go version go1\.26\.8 linux\/(amd64|arm64)/);
    // The compiler a `go install` needs is there and executable.
    const env = spawnSync(go, ['env', 'GOROOT', 'GOTOOLDIR'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    const [goroot, tooldir] = env.stdout.trim().split('\n');
    expect(goroot).toBe(path.join(dir, 'go1.26.8'));
    expect(spawnSync(path.join(tooldir ?? '', 'compile'), ['-V'], { encoding: 'utf8' }).stdout).toMatch(/compile version go1\.26\.8/);
  });
});
