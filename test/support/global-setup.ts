// vitest globalSetup: makes sure the test services (Kafka broker + moto) answer, starting them with
// scripts/services.mjs when they do not, then hands their endpoints to the test workers.
//
// - Services that do not answer and cannot be started FAIL the run (CI or not): tests never skip.
// - Services are left running at teardown (faster reruns); `.ci/run` and `npm run services -- down` stop them.
// - moto is NOT reset here: another vitest run (another terminal, another developer tool) may be
//   using the same moto right now. Test files isolate themselves with freshAccounts() instead
//   (test/support/moto.ts), and every `services.mjs up` starts an empty moto anyway.
// - Env set here reaches the forked workers (they are forked after globalSetup, and inherit
//   process.env); the endpoints are also `provide`d, and test/support/env.ts reads either.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { TestServices } from './env.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVICES_SCRIPT = path.join(ROOT, 'scripts', 'services.mjs');

interface ServiceStatus {
  name: string;
  endpoint: string;
  ready: boolean;
}

function readStatus(): ServiceStatus[] {
  const res = spawnSync(process.execPath, [SERVICES_SCRIPT, 'status', '--json'], { cwd: ROOT, encoding: 'utf8' });
  if (res.error) throw res.error;
  const parsed = JSON.parse(res.stdout) as { services: ServiceStatus[] };
  return parsed.services;
}

function endpointOf(services: ServiceStatus[], name: string): string {
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`scripts/services.mjs status does not list "${name}"`);
  return service.endpoint;
}

function startServices(): void {
  const res = spawnSync(process.execPath, [SERVICES_SCRIPT, 'up'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status === 0) return;
  const inCi = process.env.CI === 'true' || process.env.CI === '1';
  const why = res.error ? res.error.message : `exit code ${res.status}`;
  throw new Error(
    [
      `Test services (Kafka broker, moto) are not running and could not be started (${why}).`,
      inCi
        ? 'CI=true: the run fails; .ci/run must start them (node scripts/services.mjs up).'
        : 'Start them by hand to see why: npm run services -- up   (logs in .services/logs/).',
      'Tests that need these services are not skipped.',
    ].join('\n'),
  );
}

/** actionlint (a Go module) lints the workflow `mesh init --ci github` writes; installed once into .services/bin. */
function ensureActionlint(): void {
  if (existsSync(path.join(ROOT, '.services', 'bin', 'actionlint'))) return;
  const res = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-actionlint.sh')], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) {
    throw new Error(
      'actionlint could not be installed (see the lines above from scripts/install-actionlint.sh); the workflow tests need it.',
    );
  }
}

export default function setup(project: TestProject): void {
  ensureActionlint();
  let services = readStatus();
  if (!services.every((s) => s.ready)) {
    startServices();
    services = readStatus();
    const down = services.filter((s) => !s.ready).map((s) => s.name);
    if (down.length > 0) throw new Error(`Test services still not answering after start: ${down.join(', ')}`);
  }

  // The AWS service models the conformance check (test/support/aws-conformance-setup.ts) validates requests against.
  const models = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'export-models.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (models.status !== 0) throw new Error(`Exporting the AWS service models failed:\n${models.stderr}`);

  const testServices: TestServices = {
    awsEndpoint: endpointOf(services, 'moto'),
    kafkaBrokers: [endpointOf(services, 'kafka')],
    region: 'us-east-1',
  };

  // Tests must never reach real AWS: fixed dummy credentials, and no profile/session/service override.
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_ENDPOINT_URL_')) delete process.env[key];
  }
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: testServices.awsEndpoint,
    KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: testServices.region,
    AWS_DEFAULT_REGION: testServices.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
  project.provide('testServices', testServices);
}
