import { defineConfig } from 'vitest/config';

// One run, several layers. Each layer is a project so `vitest run --project unit` runs one alone.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The console's pure modules (money, dates, queue order, problems, session, PKCE), in Node.
      { test: { name: 'console', include: ['console/src/**/*.test.ts'], env: { TZ: 'America/New_York' } } },
      { test: { name: 'functions', include: ['test/functions/**/*.test.ts'], setupFiles: ['test/support/env.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The console in Debian's chromium against the local stack (needs /usr/bin/chromium: fails, never skips, without it).
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/browser/global-setup.ts'],
          setupFiles: ['test/support/env.ts'],
          // A hang detector, not a speed target (those live in `npm run bench`): on a 2-core CI run shared with the
          // integration suites a browser step takes about 3× its time on an idle machine.
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // A page follows the API by one of its own reads (a refresh every 2 s, a toast, a list read again):
          // vitest's 1 s default for expect.poll is shorter than one such read on a loaded 2-core CI run.
          expect: { poll: { timeout: 15_000 } },
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { test: { name: 'statemachines', include: ['test/statemachines/**/*.test.ts'], testTimeout: 60_000 } },
    ],
    coverage: {
      provider: 'v8',
      include: ['core/**/*.ts'],
      exclude: ['core/**/*.d.ts', 'test/**'],
      thresholds: { lines: 100, branches: 100, functions: 100, statements: 100 },
      // The summary, plus each file under 100 % with its uncovered lines (so a gap names itself).
      reporter: ['text-summary', ['text', { skipFull: true }]],
    },
  },
});
