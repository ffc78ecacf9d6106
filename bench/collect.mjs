#!/usr/bin/env node
// Gathers the per-area result pages (bench/RESULTS-<area>.md, each written by its
// `npm run bench:<area>`) into bench/RESULTS.md, so one page shows every latest table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const areas = ['core', 'actions', 'persist', 'store', 'sync']
const parts = [
  '# Benchmark results',
  '',
  `Collected ${new Date().toISOString().slice(0, 10)} by \`node bench/collect.mjs\` from the per-area pages below.`,
  'Each area\'s page carries the date of its own run; rerun with `npm run bench:<area>`.',
  'Machine: 2 cores, 24 GB, Node 20, loopback only. Ratios within one run are what count.',
  '',
]
for (const area of areas) {
  const url = new URL(`./RESULTS-${area}.md`, import.meta.url)
  parts.push(`## ${area} (\`npm run bench:${area}\`)`, '')
  if (!existsSync(url)) {
    parts.push('_Not run yet._', '')
    continue
  }
  const body = readFileSync(url, 'utf8').replace(/^# .*\n/, '').replace(/^(#+) /gm, '#$1 ')
  parts.push(body.trim(), '')
}
writeFileSync(new URL('./RESULTS.md', import.meta.url), `${parts.join('\n')}\n`)
console.log('wrote bench/RESULTS.md')
