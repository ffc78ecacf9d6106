// Runs every TypeScript block of the READMEs and docs (extracted by
// scripts/doc-snippets.mjs, which `npm test` calls before type-checking).
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

type Snippet = { file: string; source: string; run: boolean }
const manifestUrl = new URL('./doc-snippets/manifest.json', import.meta.url)
const snippets: Snippet[] = existsSync(manifestUrl) ? (JSON.parse(readFileSync(manifestUrl, 'utf8')) as Snippet[]) : []

describe('documentation examples run', () => {
  it('were extracted (run `node scripts/doc-snippets.mjs`)', () => {
    expect(existsSync(manifestUrl)).toBe(true)
  })
  for (const s of snippets.filter((x) => x.run)) {
    it(s.source, async () => {
      await import(`./doc-snippets/${s.file}`)
    })
  }
})
