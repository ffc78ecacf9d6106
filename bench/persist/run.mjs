#!/usr/bin/env node
// `npm run bench:persist`: time to persist and to hydrate 1,000 keys and a ~1 MB value,
// per engine — in-memory Web Storage and the atomic file engine in Node; real
// localStorage and IndexedDB in headless Chromium — for @strata/persist,
// @nanostores/persistent and zustand's persist middleware on the same storage. Medians
// over rounds (fresh storage each round, after warm-up), printed as ratios to Strata.
// Writes bench/results/persist.json and bench/RESULTS-persist.md. `--quick` for a smoke run.
import { writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { adapters } from './adapters.mjs'
import { runInChromium } from './browser.mjs'
import { bigValue, cases, measure, N } from './cases.mjs'
import { makeStorage } from './storages.mjs'

const quick = process.argv.includes('--quick')
const ROUNDS = { memory: quick ? 3 : 21, file: quick ? 1 : 3, browser: quick ? 1 : 7 }
const WARMUP = { memory: quick ? 1 : 3, file: quick ? 0 : 1, browser: 1 }

const big = bigValue()
const bigBytes = Buffer.byteLength(JSON.stringify(big))
const libs = Object.keys(adapters)
const fmt = (ms) => (ms === null ? '—' : ms.toFixed(2))
const print = (row) =>
  console.log(
    `${row.engine.padEnd(20)} ${row.label.padEnd(40)} ${libs.map((l) => `${l} ${fmt(row.ms[l])} ms`).join('  ')}`,
  )

const results = []
for (const kind of ['memory', 'file']) {
  for (const c of cases(big, bigBytes)) {
    const row = { engine: `node ${kind}`, case: c.id, label: c.label, ms: {} }
    for (const [id, a] of Object.entries(adapters)) {
      row.ms[id] = await measure(() => makeStorage(kind), a, c, ROUNDS[kind], WARMUP[kind])
    }
    results.push(row)
    print(row)
  }
}
for (const row of await runInChromium({ rounds: ROUNDS.browser, warmup: WARMUP.browser })) {
  results.push(row)
  print(row)
}

// Byte budget of the browser entry: min+gzip of `export * from '@strata/persist'`
// with @strata/core external (it is its own package with its own budget).
const bundled = await build({
  stdin: { contents: "export * from '@strata/persist'", resolveDir: process.cwd(), loader: 'js' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  external: ['@strata/core'],
})
const code = bundled.outputFiles[0].contents
const size = { minified: code.length, gzip: gzipSync(code, { level: 9 }).length }
console.log(`browser entry: ${size.minified} B min, ${size.gzip} B min+gzip (core external)`)

const date = new Date().toISOString()
writeFileSync(
  new URL('../results/persist.json', import.meta.url),
  `${JSON.stringify({ date, node: process.version, rounds: ROUNDS, warmup: WARMUP, n: N, bigBytes, results, browserEntry: size }, null, 2)}\n`,
)

const ratio = (r, l) => (r.ms[l] === null || r.ms.strata === null ? '—' : (r.ms[l] / r.ms.strata).toFixed(2))
const lines = [
  '# @strata/persist benchmark',
  '',
  `Run ${date.slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, \`npm run bench:persist\`` +
    ` (median of ${ROUNDS.memory} rounds on node memory, ${ROUNDS.file} on file, ${ROUNDS.browser} in Chromium;` +
    ' fresh storage per round, after warm-up).',
  '',
  "Time in ms (lower is better); `×` = that library's time / Strata's time (above 1 means Strata is faster).",
  '',
  `| engine | case | ${libs.map((l) => adapters[l].name).join(' | ')} | ${libs
    .slice(1)
    .map((l) => `${l} ×`)
    .join(' | ')} |`,
  `|---|---|${libs.map(() => '---:').join('|')}|${libs
    .slice(1)
    .map(() => '---:')
    .join('|')}|`,
  ...results.map(
    (r) =>
      `| ${r.engine} | ${r.label} | ${libs.map((l) => fmt(r.ms[l])).join(' | ')} | ${libs
        .slice(1)
        .map((l) => ratio(r, l))
        .join(' | ')} |`,
  ),
  '',
  '## What is measured',
  '',
  "- **node memory**: a Web Storage-compatible in-memory Storage (localStorage's interface without the browser's",
  '  own cost); @nanostores/persistent gets the same data as a property bag, the shape it reads localStorage in.',
  "- **node file**: Strata's Node file engine for all three libraries (atomic: temp file + fsync + rename +",
  "  directory fsync per write), adapted to zustand's StateStorage and to nanostores' property-bag engine (through",
  '  a Proxy: nanostores reads every key several times while hydrating, each a file read — hence its large time).',
  '- **chromium localStorage / indexedDB**: real storage in headless Chromium. nanostores has no async engine (—);',
  "  zustand gets an async StateStorage over Strata's IndexedDB engine.",
  `- **keys**: ${N} keys changed one at a time. Strata and nanostores write one entry per key (persistentMap);`,
  '  zustand persists one object and rewrites all of it on every change (its model), so its cost grows with N².',
  "  Every map library copies the object on each `setKey`, which dominates the in-memory times. Strata's time",
  '  includes `flush()`: the writes are really in storage when the clock stops.',
  '- **hydrate**: create the store on storage filled by the same library and read the loaded value (zustand:',
  "  `rehydrate()`; nanostores: first listener, when it loads). Strata also checks each envelope's version.",
  `- **1 MB**: one value of ${bigBytes.toLocaleString('en')} bytes of JSON (8,000 rows).`,
  '- Every job verifies its result (e.g. the number of hydrated keys) so a fast-but-wrong run fails.',
  '',
  '## Byte budget (browser entry)',
  '',
  `\`@strata/persist\` main entry, minified: ${size.minified.toLocaleString('en')} B; **min+gzip: ${size.gzip.toLocaleString('en')} B**`,
  '(`@strata/core` external; the Node file engine is a separate entry and not included). Budget: 7,500 B min+gzip.',
  '',
]
writeFileSync(new URL('../RESULTS-persist.md', import.meta.url), `${lines.join('\n')}\n`)
console.log('wrote bench/results/persist.json and bench/RESULTS-persist.md')
