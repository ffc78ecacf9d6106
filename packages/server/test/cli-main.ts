// Test entry: runs the CLI from sources (tsx) so tests exercise real server processes
// without a build step. The shipped entry is bin/strata.mjs (same runCli, from dist/).
import { runCli } from '../src/cli.js'

runCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`strata: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
