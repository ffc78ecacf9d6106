// Ingest throughput probe: C WebSocket clients push B-event batches as fast as acks
// return, into one server (SQLite file or Postgres). Prints events/s. Not a test.
//   node --import tsx packages/server/scripts/ingest.ts [sqlite|postgres] [clients] [batch] [total] [none|schema|dry-run]
// The last argument: no schema (default), a store schema with payload checks only, or the
// same schema with the materializer dry run (decision 0059).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Column, Events, makeSchema, table } from '@strata/store'
import pg from 'pg'
import WebSocket from 'ws'
import { z } from 'zod'
import { silentLogger } from '../src/logger.js'
import { startSyncServer } from '../src/server.js'

const [kind = 'sqlite', clientsArg = '4', batchArg = '500', totalArg = '200000', mode = 'none'] =
  process.argv.slice(2)
const clients = Number(clientsArg)
const batch = Number(batchArg)
const total = Number(totalArg)
const dir = mkdtempSync(join(tmpdir(), 'strata-ingest-'))
const schema = `strata_ingest_${process.pid}`
const PG = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const db = kind === 'postgres' ? `${PG}?schema=${schema}` : join(dir, 'ingest.db')
const todos = table('todos', { id: Column.text({ primaryKey: true }), title: Column.text() })
const todoCreated = Events.synced({
  name: 'v1.TodoCreated',
  schema: z.object({ id: z.string(), title: z.string() }),
})
const storeSchema = makeSchema({
  events: { todoCreated },
  tables: { todos },
  materializers: { 'v1.TodoCreated': (a, w) => w.insert(todos, a) },
})
const server = await startSyncServer({
  port: 0,
  db,
  logger: silentLogger,
  ...(mode === 'none' ? {} : { schema: storeSchema, replicas: mode === 'dry-run' }),
  fanout: 'local',
  limits: { framesPerSecond: 1e6, frameBurst: 1e6 },
})

async function client(i: number, count: number): Promise<void> {
  const ws = new WebSocket(server.wsUrl)
  await new Promise((r) => ws.once('open', r))
  const clientId = `c${i}`
  let seq = 0
  let resolveAck: (() => void) | undefined
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { t: string }
    if (m.t === 'ack' || m.t === 'welcome') resolveAck?.()
  })
  const wait = () => new Promise<void>((r) => (resolveAck = r))
  let w = wait()
  // each client its own store: measures the server, not one store's row lock
  ws.send(JSON.stringify({ t: 'hello', v: 1, storeId: `team:ingest-${i}`, clientId, cursor: 0 }))
  await w
  while (seq < count) {
    const events = []
    for (let k = 0; k < batch && seq < count; k++)
      events.push({
        name: 'v1.TodoCreated',
        args: { id: `t${seq}`, title: 'x'.repeat(40) },
        clientId,
        seq: ++seq,
      })
    w = wait()
    ws.send(JSON.stringify({ t: 'push', id: seq, events }))
    await w
  }
  ws.close()
}

const t0 = performance.now()
await Promise.all(Array.from({ length: clients }, (_, i) => client(i, Math.floor(total / clients))))
const seconds = (performance.now() - t0) / 1000
console.log(
  JSON.stringify({
    storage: kind,
    mode,
    clients,
    batch,
    events: total,
    seconds: +seconds.toFixed(2),
    eventsPerSecond: Math.round(total / seconds),
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
