#!/usr/bin/env node
// Test services for mesh: a real single-node Kafka broker (KRaft, jars from Maven Central) and the
// moto AWS emulator (pip, in .services/venv, patched by scripts/moto_launcher.py).
//
//   node scripts/services.mjs up [kafka|moto] [--reformat]   install what is missing, start what is not running, wait
//       until ready. The broker keeps its topics across down/up; --reformat wipes them (scripts/kafka/storage.mjs).
//   node scripts/services.mjs down [kafka|moto]   stop exactly the processes recorded in <state>/*.pid
//   node scripts/services.mjs status [--json]     exit 0 when every service answers, 1 otherwise
// Env: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), MOTO_PORT (5000), SERVICES_PYTHON (python3, for the venv),
// MESH_SERVICES_DIR (<state>, default .services: pids, logs, broker data; installs stay shared). moto keeps its state
// in memory: a restarted moto is empty. Logs: <state>/logs/*.log. Node builtins only.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaProperties } from './kafka/config.mjs';
import { groupCoordinatorError, kafkaBrokers } from './kafka/probe.mjs';
import { prepareStorage } from './kafka/storage.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE = path.resolve(process.env.MESH_SERVICES_DIR || path.join(ROOT, '.services'));
const LOGS = path.join(STATE, 'logs');
const KAFKA_SRC = path.join(ROOT, 'scripts', 'kafka');
const KAFKA_LIB = path.join(KAFKA_SRC, 'lib');
const KAFKA_STATE = path.join(STATE, 'kafka');
const VENV = path.join(ROOT, '.services', 'venv');
const REQUIREMENTS = path.join(ROOT, 'scripts', 'requirements-test.txt');
const HOST = '127.0.0.1';

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

const KAFKA_PORT = portFromEnv('KAFKA_PORT', 19092);
const CONTROLLER_PORT = portFromEnv('KAFKA_CONTROLLER_PORT', 19093);
const MOTO_PORT = portFromEnv('MOTO_PORT', 5000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sha256 = (...files) =>
  createHash('sha256')
    .update(files.map((f) => fs.readFileSync(f)).join('\0'))
    .digest('hex');
const readText = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
const logTail = (file, lines = 25) => readText(file).trimEnd().split('\n').slice(-lines).join('\n');

// ---------- pids ----------

/** The pid in .services/<name>.pid, if that process is alive and is still the service (not a reused pid). */
function livePid(service) {
  const [pidLine] = readText(service.pidFile).split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (fs.existsSync('/proc/self/cmdline') && !readText(cmdline).includes(service.marker)) return null;
  return pid;
}

/** The endpoint the recorded process was started for (second line of the pid file). */
const recordedEndpoint = (service) => readText(service.pidFile).split('\n')[1] ?? '';

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return !readText(`/proc/${pid}/stat`).match(/^\d+ \(.*\) Z/); // a zombie has exited
  } catch {
    return false;
  }
}

function startDetached(service, command, args, env) {
  fs.mkdirSync(LOGS, { recursive: true });
  const log = fs.openSync(service.logFile, 'w');
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  fs.closeSync(log);
  child.unref();
  fs.writeFileSync(service.pidFile, `${child.pid}\n${service.endpoint}\n`);
  return child.pid;
}

// ---------- installs ----------

/** Runs a command to completion (async, so the Maven and pip installs overlap); output goes to .services/logs/<logName>. */
function run(command, args, logName) {
  fs.mkdirSync(LOGS, { recursive: true });
  const logFile = path.join(LOGS, logName);
  fs.appendFileSync(logFile, `$ ${command} ${args.join(' ')}\n`);
  const log = fs.openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', log, log] });
    const fail = (why) =>
      reject(
        new Error(
          `${command} ${args.slice(0, 3).join(' ')} … failed (${why}); see ${path.relative(ROOT, logFile)}\n${logTail(logFile, 15)}`,
        ),
      );
    let closed = false;
    const close = () => {
      if (!closed) fs.closeSync(log);
      closed = true;
    };
    child.on('error', (err) => {
      close();
      fail(err.message);
    });
    child.on('exit', (code, signal) => {
      close();
      if (code === 0) resolve();
      else fail(signal ? `signal ${signal}` : `exit code ${code}`);
    });
  });
}

function need(command, args, hint) {
  const res = spawnSync(command, args, { encoding: 'utf8' });
  if (res.error) throw new Error(`${command} not found. ${hint}`);
  return `${res.stdout}${res.stderr}`;
}

/** Copies the broker jars into scripts/kafka/lib with Maven, unless the pom is unchanged since the last copy. */
async function installKafka() {
  const javaVersion = need('java', ['-version'], 'Install Java 17+ (apt-get install -y openjdk-17-jre-headless).');
  const major = Number(javaVersion.match(/version "(\d+)/)?.[1] ?? 0);
  if (major < 17) throw new Error(`Kafka 4 needs Java 17+, found: ${javaVersion.split('\n')[0]}`);
  const pom = path.join(KAFKA_SRC, 'pom.xml');
  const stampFile = path.join(KAFKA_LIB, '.pom.sha256');
  const stamp = sha256(pom);
  if (readText(stampFile).trim() === stamp) return false;
  need('mvn', ['-v'], 'Install Maven (apt-get install -y maven).');
  fs.rmSync(KAFKA_LIB, { recursive: true, force: true });
  await run('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies'], 'kafka-install.log');
  fs.writeFileSync(stampFile, `${stamp}\n`);
  return true;
}

/** Creates .services/venv and installs scripts/requirements-test.txt, unless already done for this file. */
async function installMoto() {
  const python = process.env.SERVICES_PYTHON || 'python3';
  const stampFile = path.join(VENV, '.requirements.sha256');
  const stamp = sha256(REQUIREMENTS);
  if (readText(stampFile).trim() === stamp && fs.existsSync(path.join(VENV, 'bin', 'python'))) return false;
  need(python, ['--version'], 'Install Python 3 (apt-get install -y python3 python3-venv).');
  if (!fs.existsSync(path.join(VENV, 'bin', 'pip'))) {
    fs.rmSync(VENV, { recursive: true, force: true });
    await run(python, ['-m', 'venv', VENV], 'moto-install.log');
  }
  const pip = path.join(VENV, 'bin', 'pip');
  await run(pip, ['install', '-q', '--disable-pip-version-check', '-r', REQUIREMENTS], 'moto-install.log');
  fs.writeFileSync(stampFile, `${stamp}\n`);
  return true;
}

// ---------- kafka ----------

async function startKafka(service, { reformat = false } = {}) {
  const dataDir = path.join(KAFKA_STATE, 'data');
  const props = path.join(KAFKA_STATE, 'server.properties');
  const log4j = path.join(KAFKA_SRC, 'log4j2.xml');
  const classpath = `${KAFKA_LIB}/*`;
  const logOpt = `-Dlog4j2.configurationFile=${log4j}`;
  service.note = await prepareStorage({
    stateDir: KAFKA_STATE,
    dataDir,
    reformat,
    writeConfig: () => fs.writeFileSync(props, kafkaProperties({ host: HOST, port: KAFKA_PORT, controllerPort: CONTROLLER_PORT, dataDir })),
    format: async (id) => {
      fs.rmSync(path.join(LOGS, 'kafka-format.log'), { force: true });
      await run(
        'java',
        ['-Xmx256m', logOpt, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', props],
        'kafka-format.log',
      );
    },
  });
  const jvm = ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', logOpt];
  return startDetached(service, 'java', [...jvm, `-Dkafka.logs.dir=${LOGS}`, '-cp', classpath, 'kafka.Kafka', props], {});
}

async function kafkaReady() {
  try {
    const brokers = await kafkaBrokers(HOST, KAFKA_PORT);
    if (brokers.length === 0) return false;
    // Asking for a coordinator also makes the broker create __consumer_offsets now, not in the first test.
    return (await groupCoordinatorError(HOST, KAFKA_PORT, 'mesh-services-readiness')) === 0;
  } catch {
    return false;
  }
}

// ---------- moto ----------

function startMoto(service) {
  const python = path.join(VENV, 'bin', 'python');
  const launcher = path.join(ROOT, 'scripts', 'moto_launcher.py');
  return startDetached(service, python, [launcher, '-H', HOST, '-p', String(MOTO_PORT)], {
    MOTO_MSK_BOOTSTRAP: `${HOST}:${KAFKA_PORT}`,
    MOTO_PORT: String(MOTO_PORT),
    PYTHONUNBUFFERED: '1',
  });
}

async function motoReady() {
  try {
    const res = await fetch(`http://${HOST}:${MOTO_PORT}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

// ---------- services ----------

const SERVICES = [
  {
    name: 'kafka',
    endpoint: `${HOST}:${KAFKA_PORT}`,
    env: { KAFKA_BROKERS: `${HOST}:${KAFKA_PORT}` },
    marker: 'kafka.Kafka',
    pidFile: path.join(STATE, 'kafka.pid'),
    logFile: path.join(LOGS, 'kafka.log'),
    install: installKafka,
    start: startKafka,
    ready: kafkaReady,
    startTimeoutMs: 90_000,
  },
  {
    name: 'moto',
    endpoint: `http://${HOST}:${MOTO_PORT}`,
    env: { AWS_ENDPOINT_URL: `http://${HOST}:${MOTO_PORT}` },
    marker: 'moto_launcher.py',
    pidFile: path.join(STATE, 'moto.pid'),
    logFile: path.join(LOGS, 'moto.log'),
    install: installMoto,
    start: startMoto,
    ready: motoReady,
    startTimeoutMs: 60_000,
  },
];

async function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const taken = () => {
      socket.destroy();
      resolve(true);
    };
    socket.setTimeout(1000, taken);
    socket.on('connect', taken);
    socket.on('error', () => resolve(false));
  });
}

async function waitReady(service, pid) {
  const deadline = Date.now() + service.startTimeoutMs;
  while (Date.now() < deadline) {
    if (await service.ready()) return;
    if (!isAlive(pid)) {
      fs.rmSync(service.pidFile, { force: true });
      throw new Error(
        `${service.name} exited during start-up; last lines of ${path.relative(ROOT, service.logFile)}:\n${logTail(service.logFile)}`,
      );
    }
    await sleep(200);
  }
  throw new Error(`${service.name} not ready after ${seconds(service.startTimeoutMs)}; see ${path.relative(ROOT, service.logFile)}`);
}

/** Brings one service up (install if needed, start, wait until ready); returns a line for the user. */
async function up(service, options = {}) {
  const t0 = Date.now();
  const pid = livePid(service);
  if (pid) {
    const running = recordedEndpoint(service);
    if (running && running !== service.endpoint) {
      throw new Error(
        `${service.name} is already running at ${running} (pid ${pid}), not at ${service.endpoint}; run \`node scripts/services.mjs down\` first`,
      );
    }
    if (options.reformat && service.name === 'kafka') {
      throw new Error(`kafka is running (pid ${pid}); --reformat wipes its data: run \`node scripts/services.mjs down kafka\` first`);
    }
    await waitReady(service, pid);
    return `${service.name}: already running (pid ${pid}) at ${service.endpoint}`;
  }
  if (await service.ready()) return `${service.name}: already answering at ${service.endpoint} (not started by this script)`;
  const port = Number(service.endpoint.split(':').pop());
  if (await portInUse(port))
    throw new Error(`${service.name}: port ${port} is taken by another program; free it or set another port (KAFKA_PORT / MOTO_PORT)`);
  if (service.name === 'kafka' && (await portInUse(CONTROLLER_PORT)))
    throw new Error(`kafka: controller port ${CONTROLLER_PORT} is taken; set KAFKA_CONTROLLER_PORT`);
  const installed = await service.install();
  const t1 = Date.now();
  const newPid = await service.start(service, options);
  try {
    await waitReady(service, newPid);
  } catch (err) {
    await down(service); // a half-started process would make the next `up` wait on it again
    throw err;
  }
  const install = installed ? `installed in ${seconds(t1 - t0)}, ` : '';
  const note = service.note ? `; ${service.note}` : '';
  return `${service.name}: started (pid ${newPid}) at ${service.endpoint}: ${install}ready ${seconds(Date.now() - t1)} after launch${note}`;
}

async function down(service) {
  const pid = livePid(service);
  if (!pid) {
    fs.rmSync(service.pidFile, { force: true });
    return `${service.name}: not running`;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  let how = 'stopped';
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
    how = 'killed (did not stop within 30 s of SIGTERM)';
  }
  fs.rmSync(service.pidFile, { force: true });
  return `${service.name}: ${how} (pid ${pid})`;
}

async function status(service) {
  const pid = livePid(service);
  const ready = await service.ready();
  return {
    name: service.name,
    endpoint: service.endpoint,
    env: service.env,
    ready,
    pid,
    managed: pid !== null,
    log: path.relative(ROOT, service.logFile),
  };
}

// ---------- lock: two test runs may call `up` at the same moment ----------

async function withLock(fn) {
  fs.mkdirSync(STATE, { recursive: true });
  const lock = path.join(STATE, 'services.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readText(lock).trim());
      if (!holder || !isAlive(holder)) fs.rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`another services.mjs (pid ${holder}) holds ${lock}`);
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The services named on the command line (all when none is). */
function selected(rest) {
  const names = rest.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !SERVICES.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown service ${unknown.join(', ')}; known: ${SERVICES.map((s) => s.name).join(', ')}`);
  return names.length === 0 ? SERVICES : SERVICES.filter((s) => names.includes(s.name));
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'up') {
    const t0 = Date.now();
    const services = selected(rest);
    const reformat = rest.includes('--reformat');
    await withLock(async () => {
      // Both services install and start concurrently (Maven and pip overlap).
      const results = await Promise.allSettled(services.map((s) => up(s, { reformat })));
      for (const r of results) if (r.status === 'fulfilled') console.log(r.value);
      const failed = results.filter((r) => r.status === 'rejected');
      if (failed.length > 0) throw new Error(failed.map((r) => r.reason?.message ?? String(r.reason)).join('\n'));
      // The AWS service models the tests validate requests against, from the venv's pinned botocore.
      if (services.some((s) => s.name === 'moto')) console.log((await import('./export-models.mjs')).exportModels());
    });
    console.log(`services up in ${seconds(Date.now() - t0)}`);
  } else if (command === 'down') {
    await withLock(async () => {
      for (const s of [...selected(rest)].reverse()) console.log(await down(s));
    });
  } else if (command === 'status') {
    const all = await Promise.all(SERVICES.map(status));
    if (rest.includes('--json')) console.log(JSON.stringify({ services: all, ready: all.every((s) => s.ready) }, null, 2));
    else
      for (const s of all)
        console.log(
          `${s.name.padEnd(6)} ${s.ready ? 'ready  ' : 'down   '} ${s.endpoint}${s.pid ? `  pid ${s.pid}` : s.ready ? '  (not started by services.mjs)' : ''}  log ${s.log}`,
        );
    process.exitCode = all.every((s) => s.ready) ? 0 : 1;
  } else {
    console.error('usage: node scripts/services.mjs up [kafka|moto] [--reformat] | down [kafka|moto] | status [--json]');
    process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`services: ${err.message}`);
  process.exitCode = 1;
});
