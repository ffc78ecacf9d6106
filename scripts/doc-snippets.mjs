#!/usr/bin/env node
// Extracts the TypeScript code blocks of the READMEs and docs into
// tests/doc-snippets/ so that `npm run typecheck` compiles them and
// tests/documentation.test.ts runs them: documentation that drifts from the code fails CI.
//
//   ```ts            compiled and run
//   ```ts no-run     compiled only (needs a server, a browser, …)
//   ```ts no-check   neither (a fragment, or a signature sketch)
//
// Inside a run block, `console.log(expr) // -> literal` becomes an assertion that expr
// deep-equals the literal, so examples show their output and the output is checked.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'tests', 'doc-snippets')

function markdownFiles() {
  const files = [join(root, 'README.md')]
  for (const pkg of readdirSync(join(root, 'packages'))) files.push(join(root, 'packages', pkg, 'README.md'))
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.md')) files.push(p)
    }
  }
  walk(join(root, 'docs'))
  return files.filter((f) => {
    try {
      return statSync(f).isFile()
    } catch {
      return false
    }
  })
}

const fence = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```\s*$/gm
const logArrow = /^(\s*)console\.log\((.*)\)\s*\/\/\s*->\s*(.+)$/

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const manifest = []
for (const file of markdownFiles()) {
  const text = readFileSync(file, 'utf8')
  const rel = relative(root, file)
  let index = 0
  for (const m of text.matchAll(fence)) {
    index++
    const flags = m[2].trim()
    if (flags.includes('no-check')) continue
    const run = !flags.includes('no-run')
    const line = text.slice(0, m.index).split('\n').length
    const body = m[3]
      .split('\n')
      .map((l) => {
        const a = logArrow.exec(l)
        return a && run ? `${a[1]}__expectLog(${a[2]}, ${a[3]}, ${JSON.stringify(`${rel}:${line}`)})` : l
      })
      .join('\n')
    const name = `${rel.replace(/[^a-zA-Z0-9]+/g, '_')}_${index}.ts`
    const header = `// Generated from ${rel}:${line} by scripts/doc-snippets.mjs — edit the markdown, not this file.\nimport { __expectLog } from '../doc-expect.js'\nvoid __expectLog\n`
    writeFileSync(join(out, name), `${header}${body}\nexport {}\n`)
    manifest.push({ file: name, source: `${rel}:${line}`, run })
  }
}
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
console.log(`doc-snippets: ${manifest.length} blocks (${manifest.filter((m) => m.run).length} to run)`)
