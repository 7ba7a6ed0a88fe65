import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Native modules and child processes are happier in forks than in threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'main/**/*.test.ts', 'host/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
          // *.postgres.test.ts need PostgreSQL from Debian (they start and restart a cluster of their own):
          // the PostgreSQL pass of .ci/run (VENUE_TEST_DATABASE_URL set) runs them.
          exclude: ['test/e2e/**', 'test/electron/**', 'test/security/**', '**/node_modules/**', ...(process.env.VENUE_TEST_DATABASE_URL ? [] : ['**/*.postgres.test.ts'])],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // End-to-end in Chromium, and the security gates that scan or serve the
        // built renderer: the renderer is built once before, the files run one
        // at a time and after the rest, so timings are not skewed by the crash
        // test sharing the two cores.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/electron/**/*.test.ts', 'test/security/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
