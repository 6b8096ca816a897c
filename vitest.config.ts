import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` is the fast suite: no Kafka broker, no moto, no browser, no global npm install; it runs on
 * every supported Node (scripts/test-node-versions.mjs) with `npm run test:unit`. `integration` is everything
 * else: test files that reach the test services (started by its globalSetup), drive Chromium, lint with
 * actionlint, pack and install the package, or run the whole example end to end. A new test file that needs a
 * service goes into the INTEGRATION list (or a folder or name pattern already there).
 */
export const INTEGRATION = [
  'test/services/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/readme/**/*.test.ts',
  'test/**/aws-*.test.ts',
  'test/**/*kafka*.test.ts',
  'test/**/*moto*.test.ts',
  'test/**/*-page.test.ts',
  'test/portal/**/*.test.ts',
  'test/conformance/**/*.test.ts', // AWS service models exported by the integration globalSetup
  'test/analytics/ingestor-to-store.test.ts',
  'test/bootstrap/bootstrap-template.test.ts', // cfn-lint from the services' venv
  'test/ci/init-ci.test.ts',
  'test/ci/go-toolchain.test.ts', // fetches a Go release from the Go module proxy
  'test/cli/doctor-aws.test.ts',
  'test/security/location-matrix.test.ts',
  'test/security/lock-aws.test.ts',
  'test/security/query-sandbox.test.ts',
  'test/streams-schema/glue-registry.test.ts',
  'test/streams-transport/negative-timeouts.test.ts',
  'test/streams/produce-exactly-once.test.ts',
  'test/transforms/transform-command.test.ts',
  // slow end-to-end runs of many CLI processes, a pseudo-terminal (util-linux `script`), and recommender quality
  'test/security/lock-local.test.ts',
  'test/cli/cli-process.test.ts',
  'test/cli/cli-interactive.test.ts',
  'test/personalize-recommender/quality-*.test.ts',
];

const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // In CI each failing test gets one more try: the integration tests drive a real Kafka broker and moto started
    // moments before on a 2-core machine, where a first request can meet a broker still settling. A test that fails
    // twice fails the run; locally nothing is retried, so flakiness shows.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ALL, exclude: INTEGRATION, globalSetup: ['test/support/unit-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          globalSetup: ['test/support/global-setup.ts'],
          // Every AWS SDK request (and every fake's response) checked against AWS's service models.
          setupFiles: ['test/support/aws-conformance-setup.ts'],
        },
      },
    ],
  },
});
