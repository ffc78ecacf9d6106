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

// The core's unit tests run a second time against what ships: its `dist/index.js`, one
// bundle whose internal property names are mangled (decision 0006). The tests import only
// public names, from the module that defines each; here those imports resolve to the bundle.
const coreSrc = fileURLToPath(new URL('core/src/', packagesDir))
const coreBundle = fileURLToPath(new URL('core/dist/index.js', packagesDir))
const coreFromDist = {
  name: 'core-tests-against-dist',
  enforce: 'pre' as const,
  resolveId(source: string, importer: string | undefined) {
    if (importer?.startsWith(coreSrc) && /\.test(-d)?\.ts$/.test(importer) && /^\.\/[\w-]+\.js$/.test(source)) {
      return coreBundle
    }
    return null
  },
}

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
}

export default defineConfig({
  resolve: { alias },
  test: {
    ...shared,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'examples/**/*.test.ts',
            'docs/**/*.test.ts',
            'tests/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**', 'tests/doc-snippets/**'],
        },
      },
      {
        extends: true,
        plugins: [coreFromDist],
        test: {
          name: 'core-dist',
          include: ['packages/core/src/**/*.test.ts'],
        },
      },
    ],
  },
})
