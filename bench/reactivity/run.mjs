// `npm run bench:core`: the reactive core beside its peers on the js-reactivity-benchmark
// workloads. Spawns one worker process per system per round (rounds rotate the order of
// systems), kills a case that overruns --timeout and reports it as a timeout, takes the
// median over rounds of each round's fastest sample, and prints a table of times and
// strata/peer ratios with their geometric means. Then measures min+gzip bundle bytes and
// memory per node (fresh processes). A full, unfiltered run writes
// bench/results/core.json and bench/RESULTS-core.md.
//
// Options: --rounds N (5)  --cases a,b (substring filters)  --systems a,b  --quick
//          --timeout SECONDS (10, of the worker's CPU time)  --memory-runs N (5)  --no-extras (skip bundle and memory)
//          --merge (write the re-measured cases into the existing results instead of printing only)
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { systems as allSystems, loadAdapter } from './adapters/index.mjs'
import { bundleSize } from './bundle.mjs'
import { cases as allCases } from './cases/index.mjs'
import { formatMs, formatRatio, geomean, markdownTable, median } from './stats.mjs'

const here = (/** @type {string} */ path) => fileURLToPath(new URL(path, import.meta.url))
const SUBJECT = 'strata'

function parseArgs(argv) {
  const options = {
    rounds: 5,
    caseFilters: /** @type {string[]} */ ([]),
    systems: [...allSystems],
    quick: false,
    timeoutMs: 10_000,
    memoryRuns: 5,
    extras: true,
    merge: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value`)
      return next
    }
    if (arg === '--rounds') options.rounds = Number(value())
    else if (arg === '--cases') options.caseFilters = value().split(',')
    else if (arg === '--systems') options.systems = value().split(',')
    else if (arg === '--quick') options.quick = true
    else if (arg === '--timeout') options.timeoutMs = Number(value()) * 1000
    else if (arg === '--memory-runs') options.memoryRuns = Number(value())
    else if (arg === '--no-extras') options.extras = false
    else if (arg === '--merge') options.merge = true
    else throw new Error(`unknown option ${arg}`)
  }
  if (!(options.rounds >= 1)) throw new Error('--rounds must be at least 1')
  for (const system of options.systems) {
    if (!allSystems.includes(system)) throw new Error(`unknown system ${system}`)
  }
  if (!options.systems.includes(SUBJECT)) options.systems.unshift(SUBJECT)
  return options
}

/**
 * @typedef {{ ms?: number, error?: string, timeout?: true }} Outcome
 */

/**
 * CPU seconds a process has used (user + system), from /proc on Linux, else null. The
 * timeout counts the worker's CPU time, not wall time, so a case is not declared a
 * timeout because other jobs share the machine.
 * @param {number | undefined} pid
 */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)), in clock ticks
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/**
 * Run `caseNames` for one system in worker processes; a case that overruns the timeout
 * is killed and the rest continue in a fresh worker.
 * @returns {Promise<{ outcomes: Map<string, Outcome>, standIn: string | null }>}
 */
async function runSystem(system, caseNames, scale, timeoutMs) {
  /** @type {Map<string, Outcome>} */
  const outcomes = new Map()
  let standIn = null
  let remaining = [...caseNames]
  while (remaining.length > 0) {
    const request = JSON.stringify({ system, cases: remaining, scale })
    const child = spawn(process.execPath, ['--expose-gc', here('./worker.mjs'), request], {
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let current = /** @type {string | null} */ (null)
    // the timeout counts from the last progress: a graph build or one sample may not overrun it
    let cpuStart = /** @type {number | null} */ (null)
    let wallStart = Date.now()
    let timer = /** @type {NodeJS.Timeout | undefined} */ (undefined)
    let stderr = ''
    let buffered = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const finished = new Promise((resolve) => child.on('close', resolve))
    child.stdout.on('data', (chunk) => {
      buffered += chunk
      let newline = buffered.indexOf('\n')
      while (newline >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        newline = buffered.indexOf('\n')
        const event = JSON.parse(line)
        if (event.type === 'ready') standIn = event.standIn
        if (event.type === 'progress') {
          cpuStart = cpuSeconds(child.pid)
          wallStart = Date.now()
        }
        if (event.type === 'start') {
          current = event.case
          clearInterval(timer)
          cpuStart = cpuSeconds(child.pid)
          wallStart = Date.now()
          timer = setInterval(() => {
            const cpuNow = cpuSeconds(child.pid)
            const used =
              cpuStart !== null && cpuNow !== null ? (cpuNow - cpuStart) * 1000 : Date.now() - wallStart
            if (used <= timeoutMs) return
            if (current !== null) outcomes.set(current, { timeout: true })
            clearInterval(timer)
            child.kill('SIGKILL')
          }, 100)
        }
        if (event.type === 'result' || event.type === 'error') {
          clearInterval(timer)
          current = null
          outcomes.set(event.case, event.type === 'result' ? { ms: event.ms } : { error: event.message })
        }
      }
    })
    await finished
    clearInterval(timer)
    if (current !== null && !outcomes.has(current)) {
      const last = stderr.trim().split('\n').slice(-3).join(' ')
      outcomes.set(current, { error: `worker crashed: ${last}` })
    }
    const next = remaining.filter((name) => !outcomes.has(name))
    if (next.length === remaining.length) {
      // the worker died before starting anything
      throw new Error(`worker for ${system} failed: ${stderr.trim()}`)
    }
    remaining = next
  }
  return { outcomes, standIn }
}

/** Median memory per node over several fresh processes. */
async function measureMemory(system, kind, runs) {
  const values = []
  for (let i = 0; i < runs; i++) {
    const output = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', here('./memory.mjs'), system, kind, '100000'], {
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout.on('data', (chunk) => {
        out += chunk
      })
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`memory ${system} ${kind}: exit ${code}`)),
      )
    })
    values.push(JSON.parse(/** @type {string} */ (output)).bytesPerNode)
  }
  return Math.round(median(values))
}

const options = parseArgs(process.argv.slice(2))
const scale = options.quick ? 'quick' : 'full'
const selected = allCases
  .map((c) => c.name)
  .filter((name) => options.caseFilters.length === 0 || options.caseFilters.some((f) => name.includes(f)))
if (selected.length === 0) throw new Error(`no case matches ${options.caseFilters.join(',')}`)
const complete =
  !options.quick && options.caseFilters.length === 0 && options.systems.length === allSystems.length
const began = Date.now()
const core = coreVersion()

console.log(
  `bench:core — @strata/core ${core} — ${selected.length} cases × ${options.systems.length} systems × ${options.rounds} rounds (${scale}), timeout ${options.timeoutMs / 1000} CPU-s per case`,
)

/** @type {Map<string, Map<string, Outcome[]>>} system → case → outcome per round */
const results = new Map(options.systems.map((s) => [s, new Map(selected.map((c) => [c, []]))]))
/** system → case: first failure, after which the case is not run again for that system */
const failed = new Map(options.systems.map((s) => [s, new Map()]))
let subjectStandIn = null
for (let round = 0; round < options.rounds; round++) {
  const order = options.systems.map((_, i) => options.systems[(i + round) % options.systems.length])
  for (const system of order) {
    const todo = selected.filter((c) => !failed.get(system).has(c))
    if (todo.length === 0) continue
    const started = Date.now()
    const { outcomes, standIn } = await runSystem(system, todo, scale, options.timeoutMs)
    if (system === SUBJECT) subjectStandIn = standIn
    for (const [name, outcome] of outcomes) {
      results.get(system).get(name).push(outcome)
      if (outcome.ms === undefined) failed.get(system).set(name, outcome)
    }
    process.stdout.write(
      `  round ${round + 1}/${options.rounds} ${system.padEnd(13)} ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    )
  }
}

/** @returns {number | null} median time, or null after a timeout or error */
const timeOf = (system, name) => {
  if (failed.get(system).has(name)) return null
  const times = results
    .get(system)
    .get(name)
    .map((o) => o.ms)
    .filter((ms) => ms !== undefined)
  return times.length > 0 ? median(times) : null
}

/**
 * @typedef {{ case: string, times_ms: Record<string, number | null>, failures?: Record<string, string> }} CaseRow
 * failures: system → "timeout" or "ERROR: <message>"
 */
/** @type {CaseRow[]} */
let caseRows = selected.map((name) => {
  /** @type {CaseRow} */
  const row = { case: name, times_ms: Object.fromEntries(options.systems.map((s) => [s, timeOf(s, name)])) }
  for (const system of options.systems) {
    const failure = failed.get(system).get(name)
    if (failure) {
      row.failures ??= {}
      row.failures[system] = failure.timeout ? 'timeout' : `ERROR: ${failure.error}`
    }
  }
  return row
})

const resultsFile = here('../results/core.json')
/** @type {Record<string, any> | null} */
let previous = null
if (options.merge) {
  // re-measured cases (and systems) replace their cells in the last full run's results
  previous = JSON.parse(readFileSync(resultsFile, 'utf8'))
  caseRows = previous.cases.map((/** @type {CaseRow} */ old) => {
    const fresh = caseRows.find((row) => row.case === old.case)
    if (!fresh) return old
    /** @type {CaseRow} */
    const merged = { case: old.case, times_ms: { ...old.times_ms, ...fresh.times_ms } }
    const failures = { ...old.failures }
    for (const system of options.systems) delete failures[system]
    Object.assign(failures, fresh.failures)
    if (Object.keys(failures).length > 0) merged.failures = failures
    return merged
  })
}
const shownSystems = previous ? [SUBJECT, ...allSystems.filter((s) => s !== SUBJECT)] : options.systems
const shownPeers = shownSystems.filter((s) => s !== SUBJECT)

const geomeanRatio = Object.fromEntries(
  shownPeers.map((peer) => {
    const ratios = caseRows
      .filter((row) => row.times_ms[SUBJECT] != null && row.times_ms[peer] != null)
      .map(
        (row) => /** @type {number} */ (row.times_ms[SUBJECT]) / /** @type {number} */ (row.times_ms[peer]),
      )
    return [peer, ratios.length > 0 ? Number(geomean(ratios).toFixed(4)) : null]
  }),
)

/** Which @strata/core was measured: the last commit touching it, and whether the tree differs. */
function coreVersion() {
  try {
    const git = (/** @type {string[]} */ ...args) =>
      execFileSync('git', args, { cwd: here('../..'), encoding: 'utf8' }).trim()
    const commit = git('log', '-1', '--format=%h', '--', 'packages/core')
    const dirty = git('status', '--porcelain', '--', 'packages/core/src') !== ''
    return `${commit}${dirty ? ' + uncommitted changes' : ''}`
  } catch {
    return 'unknown'
  }
}

const notes = []
if (subjectStandIn) {
  notes.push(
    `STAND-IN: "${SUBJECT}" ran ${subjectStandIn}, not @strata/core — these are not Strata's numbers.`,
  )
}
for (const system of shownSystems) {
  const timeouts = caseRows.filter((row) => row.failures?.[system] === 'timeout').map((row) => row.case)
  if (timeouts.length > 0) {
    notes.push(
      `${system}: timeout (building the graph or one sample took over ${options.timeoutMs / 1000} s of CPU time) on ${timeouts.join(', ')} — null in times_ms and left out of ${system === SUBJECT ? 'every' : 'its'} geomean.`,
    )
  }
  for (const row of caseRows) {
    const failure = row.failures?.[system]
    if (failure?.startsWith('ERROR')) {
      notes.push(`${system}: ${failure} on ${row.case} — null in times_ms and left out of the geomean.`)
    }
  }
}
if (previous) {
  notes.push(
    `Re-measured ${selected.length} case(s) for ${options.systems.join(', ')} on ${new Date().toISOString()} (${options.rounds} rounds, @strata/core at ${core}, merged into the run of ${previous.date}): ${selected.join(', ')}.`,
  )
}

/** @param {CaseRow} row @param {string} system */
const cellOf = (row, system) => {
  const failure = row.failures?.[system]
  if (failure === 'timeout') return 'timeout'
  if (failure) return 'ERROR'
  const ms = row.times_ms[system]
  return ms == null ? '—' : formatMs(ms)
}
const header = ['case', SUBJECT, ...shownPeers.flatMap((p) => [p, `${SUBJECT}/${p}`])]
const rows = caseRows.map((row) => [
  row.case,
  cellOf(row, SUBJECT),
  ...shownPeers.flatMap((p) => {
    const s = row.times_ms[SUBJECT]
    const t = row.times_ms[p]
    return [cellOf(row, p), s != null && t != null ? formatRatio(s / t) : '—']
  }),
])
rows.push([
  'geomean ratio',
  '',
  ...shownPeers.flatMap((p) => ['', geomeanRatio[p] == null ? '—' : formatRatio(geomeanRatio[p])]),
])
const timeTable = markdownTable(header, rows)
console.log(`\nmedian of the rounds, ms (lower is better); ratio = ${SUBJECT} time ÷ peer time\n`)
console.log(timeTable)

/** @type {Record<string, number>} */
let bundleBytes = {}
/** @type {{ signal: Record<string, number>, computed: Record<string, number> }} */
let memory = { signal: {}, computed: {} }
if (options.extras) {
  for (const system of options.systems) {
    const { bundleEntry } = await loadAdapter(system)
    bundleBytes[system] = (await bundleSize(bundleEntry)).gzip
    for (const kind of /** @type {const} */ (['signal', 'computed'])) {
      memory[kind][system] = await measureMemory(system, kind, options.memoryRuns)
    }
  }
} else if (previous) {
  bundleBytes = previous.bundle_bytes
  memory = previous.memory_bytes_per_node
}
const extrasText =
  Object.keys(bundleBytes).length === 0
    ? ''
    : markdownTable(
        ['system', 'min+gzip bytes', 'bytes / signal', 'bytes / computed'],
        shownSystems.map((s) => [
          s,
          String(bundleBytes[s]),
          String(memory.signal[s]),
          String(memory.computed[s]),
        ]),
      )
if (extrasText) {
  console.log(
    `\nbundle (esbuild --minify of what the adapter imports, gzip -9) and memory per node (median of ${options.memoryRuns} fresh processes, 100k nodes)\n`,
  )
  console.log(extrasText)
}
if (notes.length > 0) console.log(`\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}`)
const minutes = ((Date.now() - began) / 60000).toFixed(1)
console.log(`\ntook ${minutes} min`)

if (!complete && !previous) {
  console.log(
    '(partial run: --quick, --cases or --systems given, so bench/results/core.json is not written; --merge updates it)',
  )
} else {
  const date = previous ? previous.date : new Date().toISOString()
  const cpu = cpus()[0]?.model ?? 'unknown cpu'
  const machine = previous ? previous.machine : `${cpus().length} × ${cpu}, Node ${process.version}`
  const rounds = previous ? previous.rounds : options.rounds
  const coreMeasured = previous ? previous.strata_core : core
  const json = {
    date,
    machine,
    rounds,
    strata_core: coreMeasured,
    cases: caseRows,
    geomean_ratio_vs: geomeanRatio,
    bundle_bytes: bundleBytes,
    memory_bytes_per_node: memory,
    notes,
  }
  writeFileSync(resultsFile, `${JSON.stringify(json, null, 2)}\n`)
  const md = [
    '# Reactive core benchmark results',
    '',
    `Latest full run: ${date} on ${machine}, ${rounds} rounds; @strata/core at ${coreMeasured}.`,
    'The machine was shared with other jobs while running: absolute times are noisy; compare ratios',
    'within this run.',
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench:core                                   # full run, writes this file and results/core.json',
    'npm run bench:core -- --quick                        # smoke run, prints only',
    'npm run bench:core -- --cases kairo/deep,cellx --rounds 3            # prints only',
    'npm run bench:core -- --cases cellx --merge --no-extras             # re-measure, update these files',
    'node bench/reactivity/profile.mjs --cases kairo/mux  # CPU profile of strata, top frames',
    'node bench/reactivity/instructions.mjs --cases kairo # instructions per case vs alien-signals (valgrind)',
    '```',
    '',
    'Workloads are those of js-reactivity-benchmark (kairo, cellx, the six dynamic graphs),',
    're-implemented in `bench/reactivity/cases/`; each sample checks values and effect-run counts',
    'against plain-JS references. Each system runs in its own processes; rounds rotate the order;',
    "a cell is the median over rounds of each round's fastest sample. Method: docs/decisions/0050–0054.",
    '',
    '## Time per case (ms, lower is better; ratio = strata ÷ peer)',
    '',
    timeTable,
    '',
    '## Bundle size and memory per node',
    '',
    'Bundle: esbuild `--bundle --minify` of exactly what the adapter imports, then gzip -9.',
    'Memory: heap growth per node over 100k nodes in a fresh process (median of several); a computed',
    'has read one signal once (value + dependency link). nanostores: its own atom and computed.',
    '',
    extrasText,
    '',
    ...(notes.length > 0 ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n')
  writeFileSync(here('../RESULTS-core.md'), md)
  console.log('wrote bench/results/core.json and bench/RESULTS-core.md')
}
