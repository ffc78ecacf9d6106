#!/usr/bin/env node
// `npm run bench:sync`: the sync layer on loopback, one process per role — server node,
// measuring clients, passive crowd — for SQLite and Postgres storage, plus Yjs with a
// y-websocket-protocol server as the peer for fan-out latency. Writes
// bench/results/sync.json and bench/RESULTS-sync.md.
//
//   node bench/sync/run.mjs           full run (a few minutes)
//   node bench/sync/run.mjs --quick   tiny sizes, to smoke-test the harness
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { ask, percentile, spawnRole, stop, waitFor } from './procs.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const quick = process.argv.includes('--quick')
const scratch = mkdtempSync(join(tmpdir(), 'strata-bench-sync-'))
const pgSchema = `strata_bench_sync_${Date.now().toString(36)}`
const pgBase = 'postgres://postgres@127.0.0.1:5432/test'

const sizes = quick
  ? {
      samples: 30,
      warmup: 5,
      latencyRounds: 1,
      ingestConns: 2,
      ingestPer: 2_000,
      batch: 500,
      crowd: 100,
      initial: 5_000,
    }
  : {
      samples: 400,
      latencyRounds: 3,
      warmup: 50,
      ingestConns: 4,
      ingestPer: 25_000,
      batch: 500,
      crowd: 1_000,
      initial: 100_000,
    }

/** Runs a role script to completion; resolves with the JSON of its last stdout line. */
function runJson(script, args, timeoutMs = 900_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, script), ...args.map(String)], {
      cwd: here,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d) => {
      out += String(d)
    })
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(t)
      const line = out.trim().split('\n').at(-1)
      try {
        resolve(JSON.parse(line))
      } catch {
        reject(new Error(`${script} failed (exit ${code}): ${out.slice(-500)}`))
      }
    })
  })
}

async function withServer(db, fn, { gc = false } = {}) {
  const { child, info } = await spawnRole('server.mjs', [db], { gc })
  try {
    return await fn(info, child)
  } finally {
    await stop(child)
  }
}

async function withCrowd(wsUrl, storeId, count, fn) {
  const { child } = await spawnRole('crowd.mjs', [wsUrl, storeId, count])
  try {
    const ready = await waitFor(child, 'ready')
    return await fn(ready, child)
  } finally {
    await stop(child)
  }
}

const round = (x, d = 2) => (x === null || x === undefined ? null : Number(x.toFixed(d)))

async function latencyCase(db, clients) {
  return withServer(db, async (info) => {
    const storeId = `bench-latency-${clients}`
    return withCrowd(info.wsUrl, storeId, clients - 2, async () => {
      const r = await runJson('latency.mjs', [info.wsUrl, storeId, sizes.samples, sizes.warmup, scratch])
      const sorted = [...r.lat].sort((a, b) => a - b)
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
    })
  })
}

async function ingestCase(db) {
  return withServer(db, async (info) => {
    const r = await runJson('ingest.mjs', [
      info.wsUrl,
      `bench-ingest-${Date.now()}`,
      sizes.ingestConns,
      sizes.ingestPer,
      sizes.batch,
    ])
    return r.eventsPerSec
  })
}

async function connectionsCase(db) {
  return withServer(
    db,
    async (info, server) => {
      const before = await ask(server, 'mem', 'mem')
      return withCrowd(info.wsUrl, 'bench-crowd', sizes.crowd, async (ready, crowd) => {
        const after = await ask(server, 'mem', 'mem')
        const still = await ask(crowd, 'count', 'count')
        const held = Math.min(ready.held, still.held, after.connections)
        const kb = (after.rss - before.rss) / 1024 / Math.max(1, held)
        return { held, kbPerConnection: kb }
      })
    },
    { gc: true },
  )
}

async function initialSyncCase(db) {
  return withServer(db, async (info) => {
    const prefix = `bench-initial-${Date.now()}`
    await runJson('ingest.mjs', [info.wsUrl, prefix, 1, sizes.initial, 1000])
    const r = await runJson('initial-sync.mjs', [info.wsUrl, `${prefix}-0`, sizes.initial, scratch])
    if (r.rows !== sizes.initial || r.head !== sizes.initial) {
      throw new Error(`initial sync incomplete: ${JSON.stringify(r)}`)
    }
    return r.ms
  })
}

async function yjsLatency(clients) {
  const { child, info } = await spawnRole('yjs-server.mjs', [])
  try {
    const { child: crowd } = await spawnRole('yjs-crowd.mjs', [info.wsUrl, 'bench', clients - 2])
    try {
      await waitFor(crowd, 'ready')
      const r = await runJson('yjs-latency.mjs', [info.wsUrl, 'bench', sizes.samples, sizes.warmup])
      const sorted = [...r.lat].sort((a, b) => a - b)
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
    } finally {
      await stop(crowd)
    }
  } finally {
    await stop(child)
  }
}

async function attempt(label, fn) {
  const t = Date.now()
  process.stdout.write(`  ${label} … `)
  try {
    const v = await fn()
    process.stdout.write(`${((Date.now() - t) / 1000).toFixed(1)} s\n`)
    return v
  } catch (e) {
    process.stdout.write(`FAILED: ${e instanceof Error ? e.message : String(e)}\n`)
    return null
  }
}

const backends = {
  sqlite: () => join(mkdtempSync(join(scratch, 'server-')), 'server.db'),
  postgres: () => `${pgBase}?schema=${pgSchema}_${Math.random().toString(36).slice(2, 8)}`,
}

/** Median of the rounds' p50s and of their p99s (null when a round failed). */
const medianRounds = (rounds) => {
  if (rounds.length === 0 || rounds.some((r) => r === null)) return null
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  return { p50: med(rounds.map((r) => r.p50)), p99: med(rounds.map((r) => r.p99)), rounds }
}

const loadBefore = loadavg()[0]
const results = { sqlite: {}, postgres: {}, yjs: {} }
try {
  // Latency moves most with machine noise: every system runs each latency case
  // latencyRounds times, rounds alternating systems, fresh server each time; the table
  // shows the median round (p50 and p99 medians taken separately).
  const latency = {
    sqlite: (n) => latencyCase(backends.sqlite(), n),
    postgres: (n) => latencyCase(backends.postgres(), n),
    yjs: (n) => yjsLatency(n),
  }
  const rounds = { sqlite: { 10: [], 100: [] }, postgres: { 10: [], 100: [] }, yjs: { 10: [], 100: [] } }
  for (let round = 1; round <= sizes.latencyRounds; round++) {
    console.log(`latency round ${round}/${sizes.latencyRounds}:`)
    for (const [name, run] of Object.entries(latency)) {
      for (const n of [10, 100]) {
        rounds[name][n].push(await attempt(`${name}, ${n} clients`, () => run(n)))
      }
    }
  }
  for (const name of Object.keys(latency)) {
    results[name].lat10 = medianRounds(rounds[name][10])
    results[name].lat100 = medianRounds(rounds[name][100])
  }
  for (const [name, db] of Object.entries(backends)) {
    console.log(`${name}:`)
    const r = results[name]
    r.ingest = await attempt('ingest', () => ingestCase(db()))
    r.conns = await attempt(`${sizes.crowd} connections`, () => connectionsCase(db()))
    r.initial = await attempt(`initial sync of ${sizes.initial} events`, () => initialSyncCase(db()))
  }
} finally {
  const client = new pg.Client({ connectionString: pgBase })
  try {
    await client.connect()
    const { rows } = await client.query(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'strata_bench_sync_%'",
    )
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`)
  } catch {
    // Postgres not reachable: nothing to drop.
  } finally {
    await client.end().catch(() => {})
  }
  rmSync(scratch, { recursive: true, force: true })
}

const pick = (sys, f) => {
  const v = f(results[sys])
  return v === undefined || v === null || Number.isNaN(v) ? null : v
}
const row = (name, unit, f, digits = 2, peer = false) => {
  const out = {
    case: name,
    unit,
    sqlite: round(pick('sqlite', f), digits),
    postgres: round(pick('postgres', f), digits),
  }
  if (peer) out.yjs = round(pick('yjs', f), digits)
  return out
}
const cases = [
  row('latency_p50_10_clients', 'ms', (r) => r.lat10?.p50, 3, true),
  row('latency_p99_10_clients', 'ms', (r) => r.lat10?.p99, 3, true),
  row('latency_p50_100_clients', 'ms', (r) => r.lat100?.p50, 3, true),
  row('latency_p99_100_clients', 'ms', (r) => r.lat100?.p99, 3, true),
  row('ingest', 'events/s', (r) => r.ingest, 0),
  row('clients_per_node', 'count', (r) => r.conns?.held, 0),
  row('memory_per_connection', 'KB', (r) => r.conns?.kbPerConnection, 1),
  row('initial_sync_100k', 'ms', (r) => r.initial, 0),
]

const json = { cases }
if (quick) json.quick = true
const resultsFile = join(here, '..', 'results', quick ? 'sync.quick.tmp.json' : 'sync.json')
writeFileSync(resultsFile, `${JSON.stringify(json, null, 2)}\n`)

const goals = {
  latency_p50_100_clients: '< 2',
  latency_p99_100_clients: '< 10',
  ingest: '≥ 20 000 (SQLite) / ≥ 10 000 (Postgres)',
  clients_per_node: '≥ 1 000',
  initial_sync_100k: '< 2 000',
}
const fmt = (v) =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v)
const lines = [
  '# Sync benchmark',
  '',
  `Run ${new Date().toISOString().slice(0, 10)} by \`npm run bench:sync\`${quick ? ' (--quick: tiny sizes, not representative)' : ''}. Loopback, one process per role:`,
  'the server node, the two measuring Strata clients (A commits, B observes; real SQLite store files, WebSocket),',
  'and the passive crowd clients that make up the rest of the connected clients and receive the same fan-out.',
  `Latency: ${sizes.samples} sequential commits after ${sizes.warmup} warm-up, commit on A until B's live query`,
  'shows the row (A local commit → push → server validation + durable commit → fan-out → B rebase + query);',
  `${sizes.latencyRounds} rounds per case, systems alternating, a fresh server each; the table shows the median round.`,
  `Ingest: ${sizes.ingestConns} connections × ${sizes.ingestPer.toLocaleString('en-US')} events, batches of ${sizes.batch}, ≤ 4 pushes in flight, acked after a durable commit`,
  `(SQLite WAL synchronous=FULL; Postgres COMMIT). Connections: ${sizes.crowd} WebSocket sessions on one node; memory = server RSS delta / sessions.`,
  `Initial sync: a fresh client store downloads, validates and materializes ${sizes.initial.toLocaleString('en-US')} events.`,
  'Peer: Yjs 13 + y-websocket 3 client against a y-websocket-protocol server (sync step 1/2 + update broadcast),',
  'same process layout; A sets a map key, B observes it. Yjs has no server-side log, validation or durable ack.',
  `Machine: ${cpus().length} cores, Node ${process.versions.node}; 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end`,
  '(other work shares the machine: absolute numbers move with it, latency percentiles most).',
  '',
  '| case | unit | Strata · SQLite | Strata · Postgres | Yjs (peer) | goal |',
  '|---|---|---:|---:|---:|---|',
  ...cases.map(
    (c) =>
      `| ${c.case} | ${c.unit} | ${fmt(c.sqlite)} | ${fmt(c.postgres)} | ${fmt(c.yjs)} | ${goals[c.case] ?? ''} |`,
  ),
  '',
  '## Latency rounds (p50 / p99 ms, in run order)',
  '',
  ...['sqlite', 'postgres', 'yjs'].flatMap((sys) =>
    [10, 100].map((n) => {
      const r = results[sys][`lat${n}`]
      const list = r ? r.rounds.map((x) => `${x.p50.toFixed(3)} / ${x.p99.toFixed(3)}`).join(' · ') : '—'
      return `- ${sys}, ${n} clients: ${list}`
    }),
  ),
  '',
  '## Reading the numbers',
  '',
  '- Latency: a Strata commit reaches other clients only after the server validated it and made it durable',
  '  (one fsync per push batch with SQLite `synchronous=FULL`, a `COMMIT` in Postgres), so on a disk shared with',
  '  other work the fsync dominates; Yjs relays in memory with no durability. Run `node bench/sync/run.mjs` on an',
  '  idle machine for the numbers that compare with the goals; percentiles here move with the load average above.',
  '  B joins after the crowd, so every fan-out reaches it among the last sockets (the pusher, A, is served last):',
  '  the case times the worst-placed observer; each socket write costs ~7 µs. Where the time goes: decision 0057.',
  '  With 100 clients the machine is CPU-bound during a fan-out: per round trip the server spends ~1.4 ms of CPU',
  '  (half of it in the kernel writing 99 sockets), the crowd process ~1.1 ms reading them and the measuring',
  '  process ~1.2 ms, on 2 cores; serving B earlier (tried: rotating where each fan-out starts) did not move its p50.',
  '- Initial sync: per event the client decodes and validates the frame, the store validates again, appends to',
  '  its log and materializes; the store also scans its log for pending rows twice per upstream page.',
  '- Ingest: pushes are acknowledged after the durable commit; batches of 500 amortise one fsync over 500 events.',
  '',
]
if (!quick) writeFileSync(join(here, '..', 'RESULTS-sync.md'), lines.join('\n'))
const tableAt = lines.findIndex((l) => l.startsWith('| case'))
console.log(lines.slice(tableAt, tableAt + cases.length + 2).join('\n'))
console.log(`wrote ${resultsFile}`)
process.exit(0)
