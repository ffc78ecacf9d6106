#!/usr/bin/env node
// `npm run bench:persist`: time to persist and to hydrate 1,000 keys and a ~1 MB value,
// per engine (in-memory Web Storage, Node atomic file engine), for @strata/persist,
// @nanostores/persistent and zustand's persist middleware on the same storage. Medians
// over rounds (each round on fresh storage, after warm-up), printed as ratios to Strata.
// Writes bench/results/persist.json and bench/RESULTS-persist.md.
import { writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { adapters } from './adapters.mjs'
import { makeStorage } from './storages.mjs'

const N = 1000
const quick = process.argv.includes('--quick')
const ROUNDS = { memory: quick ? 5 : 21, file: quick ? 1 : 3 }
const WARMUP = { memory: quick ? 1 : 3, file: quick ? 0 : 1 }

// ~1 MB of JSON: 8,000 rows of ~130 bytes.
const big = {
  rows: Array.from({ length: 8000 }, (_, i) => ({
    id: `row-${i}`,
    title: `Row number ${i} with some text`,
    done: i % 3 === 0,
    tags: ['alpha', 'beta', 'gamma'].slice(0, i % 4),
    at: 1_700_000_000_000 + i,
  })),
}
const bigBytes = Buffer.byteLength(JSON.stringify(big))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Run one job on fresh storage per round; `prepare` fills storage first (untimed). */
async function measure(kind, job, prepare) {
  const times = []
  const total = WARMUP[kind] + ROUNDS[kind]
  for (let r = 0; r < total; r++) {
    const s = makeStorage(kind)
    try {
      if (prepare) await prepare(s.prepare ? { ...s, ...s.prepare } : s)
      const t0 = performance.now()
      await job(s)
      const dt = performance.now() - t0
      if (r >= WARMUP[kind]) times.push(dt)
    } finally {
      s.cleanup()
    }
  }
  return median(times)
}

const cases = [
  {
    id: 'persist-1000-keys',
    label: `persist ${N} keys (one change per key)`,
    run: (a) => (s) => a.persistKeys(s, N),
  },
  {
    id: 'hydrate-1000-keys',
    label: `hydrate ${N} keys`,
    run: (a) => (s) => a.hydrateKeys(s, N),
    prepare: (a) => (s) => a.persistKeys(s, N),
  },
  {
    id: 'persist-1mb',
    label: `persist a ${(bigBytes / 1e6).toFixed(2)} MB value`,
    run: (a) => (s) => a.persistBig(s, big),
  },
  {
    id: 'hydrate-1mb',
    label: `hydrate a ${(bigBytes / 1e6).toFixed(2)} MB value`,
    run: (a) => (s) => a.hydrateBig(s, big),
    prepare: (a) => (s) => a.persistBig(s, big),
  },
]

const results = []
for (const kind of ['memory', 'file']) {
  for (const c of cases) {
    const row = { engine: kind, case: c.id, label: c.label, ms: {} }
    for (const [id, a] of Object.entries(adapters)) {
      row.ms[id] = await measure(kind, c.run(a), c.prepare?.(a))
    }
    results.push(row)
    const cells = Object.entries(row.ms).map(([id, ms]) => `${id} ${ms.toFixed(2)} ms`)
    console.log(`${kind.padEnd(6)} ${c.label.padEnd(42)} ${cells.join('  ')}`)
  }
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
  `${JSON.stringify({ date, node: process.version, rounds: ROUNDS, n: N, bigBytes, results, browserEntry: size }, null, 2)}\n`,
)

const libs = Object.keys(adapters)
const lines = [
  '# @strata/persist benchmark',
  '',
  `Run ${date.slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, \`npm run bench:persist\`` +
    ` (${ROUNDS.memory} rounds on memory, ${ROUNDS.file} on file; median; fresh storage per round).`,
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
      `| ${r.engine} | ${r.label} | ${libs.map((l) => r.ms[l].toFixed(2)).join(' | ')} | ${libs
        .slice(1)
        .map((l) => (r.ms[l] / r.ms.strata).toFixed(2))
        .join(' | ')} |`,
  ),
  '',
  '## What is measured',
  '',
  "- **memory**: a Web Storage-compatible in-memory Storage (what localStorage costs minus the browser's own",
  '  bookkeeping); @nanostores/persistent gets the same data as a property bag, the shape it reads localStorage in.',
  "- **file**: Strata's Node file engine for all three libraries (atomic: temp file + fsync + rename + directory",
  "  fsync per write), adapted to zustand's StateStorage and to nanostores' property-bag engine.",
  `- **keys**: ${N} keys changed one at a time. Strata and nanostores write one entry per key (persistentMap);`,
  '  zustand persists one object and rewrites all of it on every change (its model), so its cost grows with N².',
  "  Strata's time includes `flush()`: the writes are really in storage when the clock stops.",
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
