#!/usr/bin/env node
// `npm run bench:store`: the same event-store workload in Strata and in LiveStore 0.4.0,
// each case in its own child process (so neither system's heap, JIT or WASM memory affects
// the other), then a table with ratios, bench/results/store.json and bench/RESULTS-store.md.
//
//   node bench/store/run.mjs            full run (~8–12 minutes, LiveStore dominates)
//   node bench/store/run.mjs --quick    tiny sizes, for smoke-testing the harness
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  BATCHED_RUNS,
  BOOT_RUNS,
  LATENCY_SAMPLES,
  LATENCY_WARMUP,
  SINGLE_COMMIT_TIME_CAP_MS,
  SINGLE_COMMITS,
  SINGLE_RUNS,
} from './workload.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const quick = process.argv.includes('--quick')
const scratch = mkdtempSync(join(tmpdir(), 'strata-bench-store-'))
// The machine is shared; the load at the start tells how far to trust absolute numbers.
const loadAtStart = loadavg().map((x) => Number(x.toFixed(2)))

/** Run one case of one system in a fresh process; returns its JSON result or an error. */
const child = (system, mode, workDir, timeoutMs = 600_000) => {
  const resultFile = join(scratch, `${system}-${mode}-${Math.random().toString(36).slice(2)}.json`)
  const started = Date.now()
  const r = spawnSync(process.execPath, [join(here, `${system}.mjs`), mode, workDir, resultFile], {
    cwd: here,
    env: { ...process.env, STRATA_BENCH_QUICK: quick ? '1' : '' },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  })
  process.stdout.write(`  ${system} ${mode}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8'))
  } catch {
    const text = `${r.stderr ?? ''}\n${r.error ? String(r.error) : ''}`
    const line = text.split('\n').find((l) => /Error\b/.test(l)) ?? text.trim().split('\n').at(-1)
    return { error: `${system} ${mode} failed (exit ${r.status}): ${line?.trim()}` }
  }
}

const freshDir = (name) => mkdtempSync(join(scratch, `${name}-`))

/**
 * Single commits are the case most sensitive to machine noise (LiveStore's rate moved between
 * 77 and 124 events/s across quiet runs), so each system runs it SINGLE_RUNS times,
 * alternating systems, and the median run counts; every run's rate is kept in the JSON.
 */
const singleRuns = () => {
  const runs = { strata: [], livestore: [] }
  for (let i = 0; i < SINGLE_RUNS; i++) {
    for (const system of ['strata', 'livestore']) {
      runs[system].push(child(system, 'single', freshDir(`${system}-single`)))
    }
  }
  const pickMedian = (list) => {
    const failed = list.find((r) => r.error !== undefined)
    if (failed) return failed
    const sorted = [...list].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)
    return { ...sorted[Math.floor(sorted.length / 2)], runs: list.map((r) => r.eventsPerSecond) }
  }
  return { strata: pickMedian(runs.strata), livestore: pickMedian(runs.livestore) }
}

console.log(`single commits (${SINGLE_RUNS} runs per system, alternating):`)
const singles = singleRuns()

/**
 * Commit→subscriber latencies are tenths of a millisecond on the Strata side, so a busy
 * moment on the machine moves one run's medians by half; like single commits, each system
 * runs the batched + latency case BATCHED_RUNS times, alternating, and every statistic is
 * the median over runs (peak RSS: the highest run).
 */
const batchedRuns = () => {
  const runs = { strata: [], livestore: [] }
  for (let i = 0; i < BATCHED_RUNS; i++) {
    for (const system of ['strata', 'livestore']) {
      runs[system].push(child(system, 'batched', freshDir(`${system}-batched`)))
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const combine = (list) => {
    const failed = list.find((r) => r.error !== undefined)
    if (failed) return failed
    const latency = {}
    for (const shape of Object.keys(list[0].latency)) {
      latency[shape] = {}
      for (const stat of ['median', 'p90']) latency[shape][stat] = median(list.map((r) => r.latency[shape][stat]))
    }
    return {
      events: list[0].events,
      eventsPerSecond: median(list.map((r) => r.eventsPerSecond)),
      latency,
      peakRssMb: Math.max(...list.map((r) => r.peakRssMb)),
      runs: list,
    }
  }
  return { strata: combine(runs.strata), livestore: combine(runs.livestore) }
}

console.log(`batched commits and latency (${BATCHED_RUNS} runs per system, alternating):`)
const batches = batchedRuns()

const runSystem = (system) => {
  console.log(`${system}:`)
  const single = singles[system]
  const batched = batches[system]
  const bootDir = freshDir(`${system}-boot`)
  const fixture = child(system, 'fixture', bootDir)
  const boots = []
  let bootError
  if (fixture.error) bootError = fixture.error
  else {
    for (let i = 0; i < BOOT_RUNS; i++) {
      const b = child(system, 'boot', bootDir)
      if (b.error) {
        bootError = b.error
        break
      }
      boots.push(b.bootMs)
    }
  }
  boots.sort((a, b) => a - b)
  return {
    single,
    batched,
    boot: bootError ? { error: bootError } : { bootMs: boots[Math.floor(boots.length / 2)], runs: boots },
  }
}

const strata = runSystem('strata')
const livestore = runSystem('livestore')
// LiveStore keeps unconfirmed events in its sync processor and boots far slower with them;
// measured once so the table's (confirmed-log) number is not mistaken for the offline case.
{
  const dir = freshDir('livestore-boot-pending')
  const f = child('livestore', 'fixture-pending', dir)
  const b = f.error ? f : child('livestore', 'boot', dir)
  livestore.pendingBoot = b.error ? undefined : b.bootMs
}

// Extra section: Strata on the browser driver in headless Chromium (not in store.json).
console.log('strata (browser):')
const browserRun = (() => {
  const resultFile = join(scratch, 'browser.json')
  const started = Date.now()
  const r = spawnSync(process.execPath, [join(here, 'browser.mjs'), resultFile], {
    cwd: here,
    env: { ...process.env, STRATA_BENCH_QUICK: quick ? '1' : '' },
    encoding: 'utf8',
    timeout: 300_000,
  })
  process.stdout.write(`  strata browser: ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8'))
  } catch {
    return {
      error: `browser run failed (exit ${r.status}): ${(r.stderr ?? '').split('\n').find((l) => /Error/.test(l)) ?? ''}`,
    }
  }
})()

const pick = (r, f) => (r.error ? null : f(r))
const cases = []
const add = (name, unit, s, l, note) => {
  const row = { case: name, unit, strata: s, livestore: l }
  if (note) row.note = note
  cases.push(row)
}
const failNote = (...rs) =>
  rs
    .filter((r) => r.error)
    .map((r) => r.error)
    .join('; ')

const capNote =
  livestore.single.error === undefined && livestore.single.committed < SINGLE_COMMITS
    ? `LiveStore committed ${livestore.single.committed} single events within the ${SINGLE_COMMIT_TIME_CAP_MS / 1000} s cap (then waited until its leader had written them to the eventlog file); its rate is extrapolated from those.`
    : ''
add(
  'single_commits_persisted',
  'events/s',
  pick(strata.single, (r) => r.eventsPerSecond),
  pick(livestore.single, (r) => r.eventsPerSecond),
  [
    `One event per commit, one commit per macrotask, until every event is in the file (Strata: durable when commit returns; LiveStore: eventlog row count polled). Median of ${SINGLE_RUNS} fresh processes per system, systems alternating${strata.single.runs ? ` (Strata ${strata.single.runs.map((x) => Math.round(x)).join(' / ')}; LiveStore ${livestore.single.runs?.map((x) => Math.round(x)).join(' / ')} events/s)` : ''}.`,
    capNote,
    failNote(strata.single, livestore.single),
  ]
    .filter(Boolean)
    .join(' '),
)
add(
  'batched_commits_100',
  'events/s',
  pick(strata.batched, (r) => r.eventsPerSecond),
  pick(livestore.batched, (r) => r.eventsPerSecond),
  failNote(strata.batched, livestore.batched),
)
for (const [shape, label] of [
  ['count', 'count'],
  ['byId', 'by_id'],
  ['allRows', 'all_rows'],
]) {
  for (const stat of ['median', 'p90']) {
    const perRun = (r) =>
      r.runs ? r.runs.map((x) => x.latency[shape][stat].toFixed(3)).join(' / ') : undefined
    add(
      `latency_${label}_${stat}`,
      'ms',
      pick(strata.batched, (r) => r.latency[shape][stat]),
      pick(livestore.batched, (r) => r.latency[shape][stat]),
      [
        strata.batched.runs && livestore.batched.runs
          ? `${LATENCY_SAMPLES} timed commits after ${LATENCY_WARMUP} untimed ones; median of ${BATCHED_RUNS} fresh processes per system, systems alternating (Strata ${perRun(strata.batched)}; LiveStore ${perRun(livestore.batched)} ms).`
          : '',
        failNote(strata.batched, livestore.batched),
      ]
        .filter(Boolean)
        .join(' '),
    )
  }
}
add(
  'boot_100k_events',
  'ms',
  pick(strata.boot, (r) => r.bootMs),
  pick(livestore.boot, (r) => r.bootMs),
  [
    `Median of ${BOOT_RUNS} fresh processes: open the store holding 100,000 events (and their 100,000 rows) until the first count(*) answers. Each log is fully confirmed by a sync server (LiveStore: backend head = 100,000; Strata: events applied as upstream), the state a synced client reopens.`,
    failNote(strata.boot, livestore.boot),
  ]
    .filter(Boolean)
    .join(' '),
)
add(
  'peak_rss_10k_rows',
  'MB',
  pick(strata.batched, (r) => r.peakRssMb),
  pick(livestore.batched, (r) => r.peakRssMb),
  [
    'Peak RSS (maxRSS) of the process that committed 10,000 rows in batches and ran every latency case on them.',
    failNote(strata.batched, livestore.batched),
  ]
    .filter(Boolean)
    .join(' '),
)

// "How many times better is Strata": higher-is-better units divide strata/livestore.
const ratio = (c) => {
  if (c.strata === null || c.livestore === null || c.strata === 0 || c.livestore === 0) return null
  return c.unit === 'events/s' ? c.strata / c.livestore : c.livestore / c.strata
}
const fmt = (v) => (v === null ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3))
const lines = [
  '| case | unit | Strata | LiveStore 0.4.0 | Strata advantage |',
  '|---|---|---:|---:|---:|',
  ...cases.map((c) => {
    const r = ratio(c)
    return `| ${c.case} | ${c.unit} | ${fmt(c.strata)} | ${fmt(c.livestore)} | ${r === null ? 'n/a' : `${fmt(r)}×`} |`
  }),
]
console.log(`\n${lines.join('\n')}\n`)
for (const c of cases) if (c.note) console.log(`- ${c.case}: ${c.note}`)

if (!quick) {
  const date = new Date().toISOString()
  writeFileSync(
    new URL('../results/store.json', import.meta.url),
    `${JSON.stringify(
      {
        date,
        machine: `${process.platform} ${process.arch}, Node ${process.version}, load average at start ${loadAtStart.join(' / ')}`,
        cases,
      },
      null,
      2,
    )}\n`,
  )
  const get = (name) => cases.find((c) => c.case === name)
  const goal = (label, ok) => `${ok === null ? '—' : ok ? '✅' : '❌'} ${label}`
  const r = (name) => ratio(get(name))
  const single = get('single_commits_persisted').strata
  const batched = get('batched_commits_100').strata
  const extra = [
    `LiveStore boot with the same 100,000 events still pending (never confirmed by a backend): ${
      livestore.pendingBoot ? `${fmt(livestore.pendingBoot)} ms` : 'not measured (failed)'
    }.`,
    "Load sensitivity: in LiveStore's Node adapter the leader (persistence) shares the event loop with the app, so under CPU contention its numbers fall much further than Strata's. For scale, the same LiveStore cases measured alone on a quiet machine while building this harness: 77 single commits/s, 362 events/s in batches of 100, commit→subscriber 2.7 ms (count) / 2.5 ms (by id) / 48.7 ms (all rows), 584 MB peak RSS, 328 ms boot (confirmed log) — ratios against those are several times smaller than in a loaded run (decision 0037).",
    browserRun.error
      ? `Strata in headless Chromium: not measured (${browserRun.error}).`
      : `Strata in headless Chromium (WASM SQLite in the page, journal in OPFS; bench/store/browser.mjs): single commits each awaited until durable in OPFS ${fmt(browserRun.single.eventsPerSecond)} events/s (OPFS file write per commit); batches of 100 ${fmt(browserRun.batched.eventsPerSecond)} events/s; commit→subscriber median ${fmt(browserRun.batched.count.median)} ms (count) / ${fmt(browserRun.batched.byId.median)} ms (by id) / ${fmt(browserRun.batched.allRows.median)} ms (all rows, result checked); boot of ${browserRun.boot.rows} events from OPFS ${fmt(browserRun.boot.bootMs)} ms (newest snapshot + the journal after it).`,
    'Goals from issue 5 (benchmark, not a timed test):',
    `  ${goal('≥ 100× LiveStore single-commit throughput', r('single_commits_persisted') === null ? null : r('single_commits_persisted') >= 100)} (${fmt(r('single_commits_persisted'))}×)`,
    ...['latency_count_median', 'latency_by_id_median', 'latency_all_rows_median'].map(
      (n) => `  ${goal(`≥ 20× lower ${n}`, r(n) === null ? null : r(n) >= 20)} (${fmt(r(n))}×)`,
    ),
    `  ${goal('boot of 100,000 events < 300 ms', get('boot_100k_events').strata === null ? null : get('boot_100k_events').strata < 300)} (${fmt(get('boot_100k_events').strata)} ms)`,
    `  ${goal('< 150 MB RSS with 10,000 rows', get('peak_rss_10k_rows').strata === null ? null : get('peak_rss_10k_rows').strata < 150)} (${fmt(get('peak_rss_10k_rows').strata)} MB)`,
    `Physical reference on this machine (issue 5): ~14,000 single-row transactions/s to a file and ~200,000 rows/s inside one transaction. Strata single commits reach ${
      single === null ? 'n/a' : `${((single / 14_000) * 100).toFixed(0)}%`
    } of the first (one fsync-free WAL transaction plus validation, log append and live-query bookkeeping per event); batches of 100 reach ${
      batched === null ? 'n/a' : `${((batched / 200_000) * 100).toFixed(0)}%`
    } of the second (each batch is its own transaction, one per macrotask).`,
  ]
  writeFileSync(
    new URL('../RESULTS-store.md', import.meta.url),
    [
      '# Store benchmark: Strata vs LiveStore 0.4.0',
      '',
      `Run ${date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:store\` (each case in its own process; Node ${process.version}, ${process.platform}; load average at start ${loadAtStart.join(' / ')} on ${cpus().length} cores).`,
      'Method and fairness rules: docs/decisions/0037-store-benchmark-method.md.',
      '"Strata advantage" is LiveStore ÷ Strata for times and sizes, Strata ÷ LiveStore for rates.',
      '',
      ...lines,
      '',
      ...cases.filter((c) => c.note).map((c) => `- **${c.case}**: ${c.note}`),
      ...extra.map((e) => (e.startsWith('  ') ? `  - ${e.trim()}` : `- ${e}`)),
      '',
    ].join('\n'),
  )
  console.log('\nwrote bench/results/store.json and bench/RESULTS-store.md')
}
rmSync(scratch, { recursive: true, force: true })
