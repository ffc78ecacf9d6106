// Initial-sync probe: fill a store with N events, then time a fresh socket from hello
// until the last event arrived (server side of "initial sync of 100k events"). Not a test.
//   node --import tsx packages/server/scripts/initial-sync.ts [sqlite|postgres] [events]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import WebSocket from 'ws'
import { silentLogger } from '../src/logger.js'
import { startSyncServer } from '../src/server.js'

const [kind = 'sqlite', countArg = '100000'] = process.argv.slice(2)
const count = Number(countArg)
const dir = mkdtempSync(join(tmpdir(), 'strata-initial-'))
const schema = `strata_initial_${process.pid}`
const PG = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const db = kind === 'postgres' ? `${PG}?schema=${schema}` : join(dir, 'initial.db')
const server = await startSyncServer({ port: 0, db, logger: silentLogger, fanout: 'local' })
for (let seq = 1; seq <= count; seq += 1000) {
  const events = Array.from({ length: Math.min(1000, count - seq + 1) }, (_, i) => ({
    name: 'v1.TodoCreated',
    args: { id: `t${seq + i}`, title: `Todo number ${seq + i}`, done: false },
    clientId: 'filler',
    seq: seq + i,
  }))
  await server.storage.append(
    'team:big',
    'filler',
    events,
    events.map(() => undefined),
  )
}
const ws = new WebSocket(server.wsUrl)
await new Promise((r) => ws.once('open', r))
const t0 = performance.now()
let received = 0
let frames = 0
await new Promise<void>((resolve) => {
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { t: string; events?: unknown[] }
    if (m.t === 'events' && m.events) {
      frames++
      received += m.events.length
      if (received >= count) resolve()
    }
  })
  ws.send(JSON.stringify({ t: 'hello', v: 1, storeId: 'team:big', clientId: 'fresh', cursor: 0 }))
})
console.log(
  JSON.stringify({ storage: kind, events: received, frames, ms: Math.round(performance.now() - t0) }),
)
ws.close()
await server.close()
if (kind === 'postgres') {
  const c = new pg.Client({ connectionString: PG })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
}
rmSync(dir, { recursive: true, force: true })
