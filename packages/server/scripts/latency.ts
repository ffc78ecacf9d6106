// Fan-out latency probe: one writer, N listeners on one store; the writer pushes one
// event at a time and we time push → arrival at every listener. Not a test.
//   node --import tsx packages/server/scripts/latency.ts [sqlite|postgres|memory] [listeners] [rounds]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import WebSocket from 'ws'
import { silentLogger } from '../src/logger.js'
import { startSyncServer } from '../src/server.js'

const [kind = 'sqlite', listenersArg = '10', roundsArg = '300'] = process.argv.slice(2)
const dir = mkdtempSync(join(tmpdir(), 'strata-latency-'))
const schema = `strata_latency_${process.pid}`
const PG = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const db =
  kind === 'postgres' ? `${PG}?schema=${schema}` : kind === 'memory' ? ':memory:' : join(dir, 'latency.db')
const server = await startSyncServer({ port: 0, db, logger: silentLogger, fanout: 'local' })

async function socket(clientId: string, onEvents: (gseqs: number[]) => void) {
  const ws = new WebSocket(server.wsUrl)
  await new Promise((r) => ws.once('open', r))
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { t: string; events?: Array<{ gseq: number }> }
    if (m.t === 'events' && m.events) onEvents(m.events.map((e) => e.gseq))
  })
  ws.send(JSON.stringify({ t: 'hello', v: 1, storeId: 'team:lat', clientId, cursor: 0 }))
  return ws
}

const arrivals = new Map<number, number>()
let expected = 0
let resolveRound: (() => void) | undefined
const n = Number(listenersArg)
for (let i = 0; i < n; i++) {
  await socket(`l${i}`, (gseqs) => {
    for (const g of gseqs) {
      const c = (arrivals.get(g) ?? 0) + 1
      arrivals.set(g, c)
      if (c === n && g === expected) resolveRound?.()
    }
  })
}
const writer = await socket('w', () => {})
const samples: number[] = []
for (let r = 1; r <= Number(roundsArg); r++) {
  expected = r
  const done = new Promise<void>((res) => (resolveRound = res))
  const t0 = performance.now()
  writer.send(
    JSON.stringify({ t: 'push', id: r, events: [{ name: 'v1.X', args: { r }, clientId: 'w', seq: r }] }),
  )
  await done
  samples.push(performance.now() - t0)
}
samples.sort((a, b) => a - b)
const q = (p: number) =>
  +(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] as number).toFixed(2)
console.log(
  JSON.stringify({
    storage: kind,
    listeners: n,
    rounds: samples.length,
    p50_ms: q(0.5),
    p99_ms: q(0.99),
    note: 'time until the LAST listener has the event',
  }),
)
await server.close()
if (kind === 'postgres') {
  const c = new pg.Client({ connectionString: PG })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
}
rmSync(dir, { recursive: true, force: true })
