// Imports every package the way a user would: by its name, through package.json
// `exports`, from the built `dist/` output (not the sources the unit tests alias to).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const packages = readdirSync(new URL('../packages', import.meta.url))

function exportsOf(specifier: string): string[] {
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`],
    { cwd: root, encoding: 'utf8' },
  )
  return JSON.parse(out) as string[]
}

describe('built packages import by name', () => {
  for (const dir of packages) {
    const pkg = JSON.parse(readFileSync(new URL(`../packages/${dir}/package.json`, import.meta.url), 'utf8')) as {
      name: string
      exports: Record<string, unknown>
    }
    for (const sub of Object.keys(pkg.exports).filter((k) => k !== './package.json')) {
      const specifier = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`
      it(`${specifier} exposes its public API from dist`, () => {
        const names = exportsOf(specifier)
        expect(names.length).toBeGreaterThan(0)
      })
    }
  }
})
