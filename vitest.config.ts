import { defineConfig } from 'vitest/config';

// Unit and integration tests live beside the code they test (`<part>/test/`).
// Integration suites start their own real services (aedes, Mosquitto, PostgreSQL,
// InfluxDB, socat ptys) on loopback with throw-away data dirs; see test/support/.
export default defineConfig({
  test: {
    include: ['{gateway,cloud,shared,simulators,test}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
