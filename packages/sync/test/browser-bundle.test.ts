// What ships to browsers: the client (with the protocol it needs) bundles for the
// browser without Node modules or the `ws` package, within a byte budget.
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

/** gzip budget of the sync client for browsers, excluding @strata/core (budgeted by core). */
const BUDGET_GZIP_BYTES = 10 * 1024

describe('browser bundle of the sync client', () => {
  it('has no Node-only inputs and stays within its byte budget', async () => {
    const result = await build({
      stdin: {
        contents: "export { createSyncClient, httpTransport } from './src/index.ts'",
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      external: ['@strata/core'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((i) => i.includes('node_modules') || i.startsWith('node:'))).toEqual([])
    const gzip = gzipSync(result.outputFiles[0]!.contents).length
    expect(gzip).toBeLessThan(BUDGET_GZIP_BYTES)
  })
})
