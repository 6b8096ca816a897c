// A moto server of one's own, on a free port, with its list calls paged (MESH_MOTO_PAGE_SIZE, read by
// scripts/moto_launcher.py): the scale bench and the pagination test use it, so the shared moto at :5000, which other
// test files use at the same time, keeps its behaviour and is not filled with a thousand tables.
//
//   const moto = await startPagedMoto({ pageSize: 100 });  … moto.endpoint …  await moto.stop();
//
// Needs the test services' venv (.services/venv, made by `npm run services -- up`); without it this throws, saying so.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = path.join(ROOT, '.services', 'venv', 'bin', 'python');
const LAUNCHER = path.join(ROOT, 'scripts', 'moto_launcher.py');
const HOST = '127.0.0.1';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint) {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts scripts/moto_launcher.py on a free port with MESH_MOTO_PAGE_SIZE = pageSize (a number, or 'aws' for AWS's
 * page sizes); resolves once it answers.
 * Its log goes to <logDir>/moto-<port>.log (default .services/logs).
 */
export async function startPagedMoto({ pageSize, logDir = path.join(ROOT, '.services', 'logs'), timeoutMs = 60_000 } = {}) {
  if (!existsSync(PYTHON)) {
    throw new Error(`moto's venv is missing (${path.relative(ROOT, PYTHON)}): run \`npm run services -- up moto\` once to install it.`);
  }
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `moto-${port}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(PYTHON, [LAUNCHER, '-H', HOST, '-p', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', log, log],
    env: { ...process.env, MESH_MOTO_PAGE_SIZE: String(pageSize ?? ''), PYTHONUNBUFFERED: '1' },
  });
  closeSync(log);
  let exited = null;
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(endpoint))) {
    if (exited) throw new Error(`moto exited during start-up (${JSON.stringify(exited)}); see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not answer at ${endpoint} within ${timeoutMs / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    pid: child.pid,
    logFile,
    /** Stops this moto (SIGTERM, then SIGKILL after 10 s), waits for it to exit and removes its log. */
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(logFile, { force: true });
    },
  };
}
