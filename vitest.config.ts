import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so `npm test` never runs against a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@pennon/engine': fileURLToPath(new URL('./packages/engine/src/index.ts', import.meta.url)),
      '@pennon/sdk-core': fileURLToPath(new URL('./packages/sdk-core/src/index.ts', import.meta.url)),
      '@pennon/node/openfeature': fileURLToPath(
        new URL('./packages/node/src/openfeature/index.ts', import.meta.url),
      ),
      '@pennon/node': fileURLToPath(new URL('./packages/node/src/index.ts', import.meta.url)),
      '@pennon/js/openfeature': fileURLToPath(
        new URL('./packages/js/src/openfeature/index.ts', import.meta.url),
      ),
      '@pennon/js': fileURLToPath(new URL('./packages/js/src/index.ts', import.meta.url)),
      '@pennon/react': fileURLToPath(new URL('./packages/react/src/index.ts', import.meta.url)),
      '@pennon/server/permissions': fileURLToPath(
        new URL('./packages/server/src/auth/permissions.ts', import.meta.url),
      ),
      '@pennon/server/audit-vocabulary': fileURLToPath(
        new URL('./packages/server/src/audit/audit-vocabulary.ts', import.meta.url),
      ),
      '@pennon/stats': fileURLToPath(new URL('./packages/stats/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts'],
    // The engine bench builds an earlier commit's engine there; its tests are that commit's.
    exclude: ['**/node_modules/**', 'bench/.baseline/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Database-backed suites share one PostgreSQL server; files run in parallel in forks,
    // each suite creates its own schema so they never collide.
    pool: 'forks',
  },
});
