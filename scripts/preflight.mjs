#!/usr/bin/env node
// `npm test` runs this first: the system packages the tests need beside Node (everything else, Chromium included,
// comes with `npm ci` from the npm registry). What is missing is installed with apt-get when this runs as root or
// with passwordless sudo; otherwise it stops at once, listing what is missing and the command that installs it.
//
//   Java 17+ and Maven     the Kafka broker the integration tests start (jars from Maven Central)
//   Python 3 with venv     moto, the AWS emulator (from PyPI, into .services/venv)
//   make and g++           better-sqlite3 is compiled from source by `npm ci` (and by the Node-versions run)
//
// Go is not on the list: actionlint is built with the machine's Go 1.22+ when there is one, else with a Go release
// fetched from the Go module proxy (scripts/go-toolchain.mjs), since Debian 12's apt has only Go 1.19.
import { spawnSync } from 'node:child_process';

const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], quiet).status === 0;
const output = (cmd, args) => {
  const r = spawnSync(cmd, args, quiet);
  return r.error ? '' : `${r.stdout}${r.stderr}`;
};

const checks = [
  {
    what: 'Java 17 or later',
    ok: () => Number(/version "(\d+)/.exec(output('java', ['-version']))?.[1] ?? 0) >= 17,
    apt: ['default-jre-headless'],
  },
  { what: 'Maven', ok: () => has('mvn'), apt: ['maven'] },
  {
    what: 'Python 3 with venv and ensurepip',
    ok: () => spawnSync('python3', ['-c', 'import ensurepip, venv'], quiet).status === 0,
    apt: ['python3', 'python3-venv'],
  },
  { what: 'make and g++', ok: () => has('make') && has('g++'), apt: ['make', 'g++'] },
];

const missing = () => checks.filter((c) => !c.ok());
let todo = missing();
if (todo.length === 0) process.exit(0);

const packages = [...new Set(todo.flatMap((c) => c.apt))];
const root = process.getuid?.() === 0;
const sudo = !root && has('sudo') && spawnSync('sudo', ['-n', 'true'], quiet).status === 0;
if ((root || sudo) && has('apt-get')) {
  const prefix = root ? [] : ['sudo', '-n'];
  const apt = (args) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    return spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  console.error(`preflight: installing ${packages.join(' ')} (missing: ${todo.map((c) => c.what).join(', ')})`);
  if (apt(['update', '-qq'])) apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  todo = missing();
  if (todo.length === 0) process.exit(0);
}
console.error(
  [
    'npm test needs these system packages, which are missing:',
    ...todo.map((c) => `  - ${c.what}`),
    `Install them (Debian/Ubuntu): sudo apt-get install -y ${[...new Set(todo.flatMap((c) => c.apt))].join(' ')}`,
    'Run `npm test` as root or with passwordless sudo to have them installed for you.',
  ].join('\n'),
);
process.exit(1);
