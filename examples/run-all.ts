// Runs every example's `main()` in turn: the runnable form of the seed patterns.
// Each example lives in `examples/<area>/<name>.ts`, exports `main(log)` and has its
// test beside it (`<name>.test.ts`) asserting what the example only prints here.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv[2]

type Example = { main?: (log: (...args: unknown[]) => void) => unknown }

let ran = 0
for (const area of readdirSync(here).sort()) {
  const dir = join(here, area)
  if (!statSync(dir).isDirectory() || area === 'node_modules') continue
  if (only && area !== only) continue
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.startsWith('_')) continue
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Example
    if (typeof mod.main !== 'function') continue
    console.log(`\n▶ ${area}/${file}`)
    await mod.main((...args) => console.log('  ', ...args))
    ran++
  }
}
console.log(`\n${ran} examples ran.`)
