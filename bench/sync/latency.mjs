// Commit on client A → visible on client B, both real Strata clients (SQLite store files,
// sync client over WebSocket) in this process so one clock times both ends. The server
// runs in its own process; passive crowd clients (another process) receive the same
// fan-out. argv: <wsUrl> <storeId> <samples> <warmup> <dir>. Prints JSON of latencies (ms).
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { createStore } from '@strata/store'
import { nodeAdapter } from '@strata/store/node'
import { createSyncClient } from '@strata/sync'
import { itemSet, items, payload, schema } from './schema.mjs'

const [wsUrl, storeId, samplesArg, warmupArg, dir] = process.argv.slice(2)
const samples = Number(samplesArg)
const warmup = Number(warmupArg)

async function device(name) {
  const store = await createStore({
    schema,
    adapter: nodeAdapter({ directory: mkdtempSync(join(dir, name)) }),
    storeId,
  })
  const sync = createSyncClient({ store, url: wsUrl })
  await sync.whenSynced({ timeoutMs: 60_000 })
  return { store, sync }
}

const a = await device('a-')
const b = await device('b-')
const count$ = b.store.queryDb(items.count())
let waiting
const off = count$.listen((n) => {
  if (waiting && n >= waiting.n) {
    const w = waiting
    waiting = undefined
    w.resolve(performance.now())
  }
})
const base = count$.get()
const lat = []
for (let i = 0; i < warmup + samples; i++) {
  const seen = new Promise((resolve) => {
    waiting = { n: base + i + 1, resolve }
  })
  const t0 = performance.now()
  a.store.commit(itemSet(payload(base + i)))
  const t1 = await seen
  if (i >= warmup) lat.push(t1 - t0)
}
off()
await a.sync.whenSynced()
a.sync.dispose()
b.sync.dispose()
a.store.close()
b.store.close()
process.stdout.write(`${JSON.stringify({ lat })}\n`)
process.exit(0)
