import { defineConfig } from 'vitest/config';

// Tests start real processes (redis-server, web, worker, Chromium) on a 2-core machine, so files run
// two at a time and each test gets a generous timeout; speed is measured by `npm run bench`, not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
