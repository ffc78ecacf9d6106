// Bytes each system ships: esbuild bundles exactly what the system's adapter imports
// (adapter.bundleEntry), minified for the browser with NODE_ENV=production, and the
// result is gzipped at level 9.
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const resolveDir = fileURLToPath(new URL('./adapters/', import.meta.url))

/**
 * @param {string} entry the re-export statement of what the adapter imports
 * @returns {Promise<{ minified: number, gzip: number }>}
 */
export async function bundleSize(entry) {
  const result = await build({
    stdin: { contents: entry, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength }
}
