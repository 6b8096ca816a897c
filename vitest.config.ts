import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    // In CI each failing test gets one more try: the integration tests drive a real Kafka broker and moto started
    // moments before on a 2-core machine, where a first request can meet a broker still settling. A test that fails
    // twice fails the run; locally nothing is retried, so flakiness shows.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
