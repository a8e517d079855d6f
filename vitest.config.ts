import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: fast engine tests (unit + integration) and browser end-to-end tests against `lathe serve`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/fuzz/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          // Vitest's default (one fewer than the cores) runs these one file at a time on a 2-core machine, though
          // many files mostly wait on child processes: two workers there took 11.7 min against 15.4 (2026-12-05).
          maxWorkers: Math.max(2, os.availableParallelism() - 1),
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          // Each file starts its own `lathe serve` (free port, own data directory) and Chromium, so two run side by
          // side; much of their time is waiting on the server. The six heaviest files took 331 s with two workers
          // against 503 s one at a time, back to back on a 2-core machine (2026-12-06, 23:10–23:24 UTC).
          maxWorkers: 2,
          // expect.poll waits for what the studio sets after an API answer or on a later frame; its 1 s default
          // was shorter than an answer takes on two loaded cores (a model's attention maps, the engine's defaults), so
          // a poll waits as long as a Playwright action does. A poll that passes returns at once; one that fails says so
          // 30 s later.
          expect: { poll: { timeout: 30_000 } },
        },
      },
    ],
  },
});
