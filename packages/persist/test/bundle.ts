/**
 * Test helper: bundle a small entry script with esbuild's JS API, resolving
 * `@strata/persist`, `@strata/persist/node` and `@strata/core` to their sources, into a
 * temp directory. Used to run the package in a plain Node child process (SSR safety,
 * exit flushing) and in Chromium (browser.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const src = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url))

/** Bundle `code` (an ES module) for `platform`; returns the directory and bundle path. */
export async function bundle(
  code: string,
  platform: 'node' | 'browser',
  dir = mkdtempSync(join(tmpdir(), 'strata-persist-bundle-')),
): Promise<{ dir: string; file: string }> {
  const entry = join(dir, 'entry.mjs')
  writeFileSync(entry, code)
  const file = join(dir, 'bundle.mjs')
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform,
    outfile: file,
    logLevel: 'silent',
    alias: {
      '@strata/persist/node': src('persist/src/node.ts'),
      '@strata/persist': src('persist/src/index.ts'),
      '@strata/core': src('core/src/index.ts'),
    },
  })
  return { dir, file }
}
