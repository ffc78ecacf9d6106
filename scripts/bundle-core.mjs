/**
 * Post-build step for @strata/core: replaces tsc's `dist/index.js` with one ES module
 * bundled from `src/index.ts`, with the internal property names of `mangle.json`
 * renamed to short ones (decision 0006). Not minified: names of functions, whitespace
 * and comments stay, so the file reads in a debugger; the source map points at `src/`,
 * which the package ships. The `.d.ts` files are tsc's, unchanged.
 *
 *   node scripts/bundle-core.mjs        (run by `npm run build`, after `tsc -b`)
 */
import { build } from 'esbuild'
import { mangleOptions } from './mangle.mjs'

const core = new URL('../packages/core/', import.meta.url)

await build({
  entryPoints: [new URL('src/index.ts', core).pathname],
  outfile: new URL('dist/index.js', core).pathname,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  minifySyntax: true,
  logLevel: 'warning',
  ...mangleOptions(core),
})
