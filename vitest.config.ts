import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url))

// Unit tests run against the sources (aliases below). Tests named `*.dist.test.ts`
// import the built packages through their package.json entry points instead.
export default defineConfig({
  resolve: {
    alias: {
      '@strata/core': pkg('core'),
      '@strata/actions': pkg('actions'),
      '@strata/persist': pkg('persist'),
      '@strata/store': pkg('store'),
      '@strata/sync': pkg('sync'),
      '@strata/server': pkg('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'docs/**/*.test.ts', 'tests/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.dist.test.ts', 'tests/doc-snippets/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
