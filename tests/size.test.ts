/**
 * Byte budgets for what ships to browsers. Every package whose package.json has a
 * `size-limit` field (nanostores' format: `[{ path, limit, ignore? }]`) is bundled from the
 * source of that entry with esbuild (minified ESM, browser platform), gzipped at level 9,
 * and must fit its limit. `ignore` lists packages left out of the count (other Strata
 * packages, counted in their own budgets). `import` (size-limit's field, e.g.
 * `"{ signal, computed }"`) measures only those exports, tree-shaken — what an app that
 * imports just them pays. A package with a `mangle.json` is measured with its internal
 * property names renamed, as its build ships it (`scripts/mangle.mjs`, decision 0006).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { mangleOptions } from '../scripts/mangle.mjs'

interface Budget {
  path: string
  limit: string
  ignore?: string[]
  import?: string
}

const packagesDir = new URL('../packages/', import.meta.url)

function bytes(limit: string): number {
  const m = /^([\d.]+)\s*(B|KB)$/.exec(limit)
  if (!m) throw new Error(`unreadable size-limit ${limit}`)
  return Math.round(Number(m[1]) * (m[2] === 'KB' ? 1024 : 1))
}

describe('size budgets (min+gzip)', () => {
  for (const dir of readdirSync(packagesDir)) {
    const pkg = JSON.parse(readFileSync(new URL(`${dir}/package.json`, packagesDir), 'utf8')) as {
      name: string
      'size-limit'?: Budget[]
    }
    for (const budget of pkg['size-limit'] ?? []) {
      const source = budget.path.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')
      const entry = new URL(`${dir}/${source}`, packagesDir).pathname
      const what = budget.import ? `${budget.import} from ${budget.path}` : budget.path
      it(`${pkg.name} ${what} ≤ ${budget.limit}`, async () => {
        const out = await build({
          ...(budget.import
            ? {
                stdin: {
                  contents: `export ${budget.import} from ${JSON.stringify(entry)}`,
                  loader: 'ts',
                  resolveDir: '/',
                },
              }
            : { entryPoints: [entry] }),
          bundle: true,
          minify: true,
          format: 'esm',
          platform: 'browser',
          external: budget.ignore ?? [],
          // renamed as the build renames them in the shipped bundle (decision 0006)
          ...mangleOptions(new URL(`${dir}/`, packagesDir)),
          write: false,
          logLevel: 'silent',
        })
        const size = gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length
        expect(size).toBeGreaterThan(500) // the bundle really contains the package
        expect(size).toBeLessThanOrEqual(bytes(budget.limit))
      })
    }
  }
})
