/**
 * Size budget: the whole public API, bundled and minified by esbuild (ESM) and gzipped
 * at level 9, must fit the `size-limit` recorded in package.json.
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  'size-limit': { limit: string }[]
}

function bytes(limit: string): number {
  const m = /^([\d.]+)\s*(B|KB)$/.exec(limit)
  if (!m) throw new Error(`unreadable size-limit ${limit}`)
  return Number(m[1]) * (m[2] === 'KB' ? 1024 : 1)
}

it('core min+gzip fits the size-limit budget', async () => {
  const out = await build({
    entryPoints: [new URL('./index.ts', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  })
  const size = gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length
  const budget = bytes(pkg['size-limit'][0]!.limit)
  expect(size).toBeGreaterThan(1000) // the bundle really contains the core
  expect(size).toBeLessThanOrEqual(budget)
})
