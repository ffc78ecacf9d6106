import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Unit tests run against the sources: every entry point a package exports
// (`@strata/store`, `@strata/store/node`, …) is aliased, by exact match, to the source
// file its built `dist/` file comes from. `tests/dist.test.ts` imports the built
// packages through their package.json entry points instead.
const packagesDir = new URL('./packages/', import.meta.url)
const alias = readdirSync(packagesDir).flatMap((dir) => {
  const pkg = JSON.parse(readFileSync(new URL(`${dir}/package.json`, packagesDir), 'utf8')) as {
    name: string
    exports: Record<string, string | { import?: string }>
  }
  return Object.entries(pkg.exports).flatMap(([sub, target]) => {
    const built = typeof target === 'string' ? target : target.import
    if (!built?.startsWith('./dist/')) return []
    const source = built.replace('./dist/', './src/').replace(/\.js$/, '.ts')
    const name = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    return [{ find: new RegExp(`^${escaped}$`), replacement: fileURLToPath(new URL(`${dir}/${source}`, packagesDir)) }]
  })
})

export default defineConfig({
  resolve: { alias },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'docs/**/*.test.ts',
      'tests/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.dist.test.ts', 'tests/doc-snippets/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
