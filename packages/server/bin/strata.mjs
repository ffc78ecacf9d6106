#!/usr/bin/env node
// The `strata` command (`npx strata serve …`). Runs the built CLI from dist/.
import { runCli } from '../dist/cli.js'

runCli(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`strata: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
