import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Workspace packages resolve to their TypeScript sources in tests, so a test never runs stale dist/.
const alias = [{ find: /^@oracle\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` }];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.sim.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.int.test.ts', 'apps/*/test/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests start real servers (Postgres, anvil, Pushgateway); keep the 2-core machine sane.
          fileParallelism: false,
        },
      },
    ],
  },
});
