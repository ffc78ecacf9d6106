// Instruction counts per case, Strata beside a peer: a noise-free cross-check of the
// timed benchmark for a shared machine, where wall-clock runs cannot separate 1–2 %.
//
//   node bench/reactivity/instructions.mjs [--cases kairo,cellx] [--peer alien-signals] [--scale quick]
//
// Each case runs alone in a fresh worker under `valgrind --tool=callgrind` with V8's
// randomness fixed (`--predictable --random-seed=1 --hash-seed=1`), so identical runs
// agree within about 0.001 %. A worker with no case gives Node's start-up cost, which is
// subtracted. Counts include building the graph (untimed in run.mjs) and garbage
// collection; they say nothing about cache misses or JIT timing, which the timed
// benchmark sees. Needs valgrind (`apt-get install -y valgrind`); about 20 s per case
// and system at `quick` scale.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { systems as allSystems } from './adapters/index.mjs'
import { cases } from './cases/index.mjs'

const args = process.argv.slice(2)
const option = (/** @type {string} */ name, /** @type {string} */ fallback) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? /** @type {string} */ (args[i + 1]) : fallback
}
const peer = option('--peer', 'alien-signals')
const scale = option('--scale', 'quick')
const filters = option('--cases', '').split(',').filter(Boolean)
if (!allSystems.includes(peer) || peer === 'strata')
  throw new Error(`--peer: one of ${allSystems.join(', ')} but strata`)
if (!['quick', 'full', 'tiny'].includes(scale)) throw new Error('--scale: quick, full or tiny')
if (spawnSync('valgrind', ['--version']).error)
  throw new Error('valgrind is not installed (apt-get install -y valgrind)')

const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url))
const selected = cases
  .map((c) => c.name)
  .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
if (selected.length === 0) throw new Error(`no case matches ${filters.join(',')}`)

/** Instructions of one worker run (callgrind's "Collected" total). @param {string} system @param {string[]} names */
function count(system, names) {
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--predictable',
      '--random-seed=1',
      '--hash-seed=1',
      '--expose-gc',
      worker,
      JSON.stringify({ system, cases: names, scale }),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  const events = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
  const failed = events.find((e) => e.type === 'error')
  if (failed) throw new Error(`${system} ${failed.case}: ${failed.message}`)
  const m = /Collected : (\d+)/.exec(run.stderr)
  if (!m) throw new Error(`${system}: no instruction count from callgrind\n${run.stderr.slice(-2000)}`)
  return Number(m[1])
}

const base = { strata: count('strata', []), [peer]: count(peer, []) }
const rows = []
for (const name of selected) {
  const ours = count('strata', [name]) - base.strata
  const theirs = count(peer, [name]) - /** @type {number} */ (base[peer])
  rows.push({ name, ours, theirs, ratio: ours / theirs })
  process.stderr.write(`  ${name}\n`)
}
const millions = (/** @type {number} */ n) => `${(n / 1e6).toFixed(0)}M`
const width = Math.max(...rows.map((r) => r.name.length), 4)
console.log(`\ninstructions per case (${scale} scale, Node start-up subtracted); ratio = strata ÷ ${peer}\n`)
console.log(`| ${'case'.padEnd(width)} | strata | ${peer} | ratio |`)
console.log(`|${'-'.repeat(width + 2)}|-------:|${'-'.repeat(peer.length + 1)}:|------:|`)
for (const r of rows) {
  console.log(
    `| ${r.name.padEnd(width)} | ${millions(r.ours).padStart(6)} | ${millions(r.theirs).padStart(peer.length)} | ${r.ratio.toFixed(2)}× |`,
  )
}
const geomean = Math.exp(rows.reduce((s, r) => s + Math.log(r.ratio), 0) / rows.length)
console.log(`| ${'geomean'.padEnd(width)} |        | ${''.padStart(peer.length)} | ${geomean.toFixed(2)}× |`)
