// Strata side of the store benchmark. Run as a child process by run.mjs:
//   node strata.mjs <single|batched|fixture|boot> <workDir> <resultFile>
// Uses the built packages (`npm run build`) exactly as an app would: @strata/store with
// the better-sqlite3 file adapter from @strata/store/node (WAL, synchronous=NORMAL).
import { writeFileSync } from 'node:fs'
import { Column, createStore, Events, makeSchema, table } from '@strata/store'
import { nodeAdapter } from '@strata/store/node'
import { z } from 'zod'
import {
  BATCH_SIZE,
  BATCHED_EVENTS,
  BOOT_EVENTS,
  itemArgs,
  measureLatency,
  SINGLE_COMMIT_TIME_CAP_MS,
  SINGLE_COMMITS,
  yieldMacrotask,
} from './workload.mjs'

const items = table('items', {
  id: Column.text({ primaryKey: true }),
  title: Column.text({ default: '' }),
  n: Column.integer({ default: 0 }),
  done: Column.boolean({ default: false }),
})
const events = {
  itemCreated: Events.synced({
    name: 'v1.ItemCreated',
    schema: z.object({ id: z.string(), title: z.string(), n: z.number() }),
  }),
  itemRenamed: Events.synced({
    name: 'v1.ItemRenamed',
    schema: z.object({ id: z.string(), title: z.string() }),
  }),
}
const schema = makeSchema({
  events,
  tables: { items },
  materializers: {
    'v1.ItemCreated': ({ id, title, n }, db) => {
      db.insert(items, { id, title, n })
    },
    'v1.ItemRenamed': ({ id, title }, db) => {
      db.update(items, { id }, { title })
    },
  },
})
const STORE_ID = 'bench'
const BY_ID = `item-${BATCHED_EVENTS / 2}`

const [, , mode, workDir, resultFile] = process.argv
const open = () => createStore({ schema, adapter: nodeAdapter({ directory: workDir }), storeId: STORE_ID })

/** Commit→subscriber latency of `query` for commits of `makeEvent(i)` (workload.mjs). */
const latency = (store, query, makeEvent) =>
  measureLatency(
    (fn) => store.queryDb(query).subscribe(fn),
    (i) => store.commit(makeEvent(i)),
  )

const single = async () => {
  const store = await open()
  const start = performance.now()
  let committed = 0
  while (committed < SINGLE_COMMITS && performance.now() - start < SINGLE_COMMIT_TIME_CAP_MS) {
    // durability 'commit' (the default): the event is in the file when commit returns.
    store.commit(events.itemCreated(itemArgs(committed)))
    committed++
    await yieldMacrotask()
  }
  const totalMs = performance.now() - start
  const rows = store.query(items.count())
  store.close()
  if (rows !== committed) throw new Error(`expected ${committed} rows, got ${rows}`)
  return { committed, committedMs: totalMs, totalMs, eventsPerSecond: committed / (totalMs / 1000) }
}

const batched = async () => {
  const store = await open()
  const start = performance.now()
  for (let i = 0; i < BATCHED_EVENTS; i += BATCH_SIZE) {
    const batch = []
    for (let j = i; j < i + BATCH_SIZE; j++) batch.push(events.itemCreated(itemArgs(j)))
    store.commit(...batch)
    await yieldMacrotask()
  }
  const totalMs = performance.now() - start
  const rows = store.query(items.count())
  if (rows !== BATCHED_EVENTS) throw new Error(`expected ${BATCHED_EVENTS} rows, got ${rows}`)

  let created = BATCHED_EVENTS
  const count = await latency(store, items.count(), () => events.itemCreated(itemArgs(created++)))
  const byId = await latency(store, items.where({ id: BY_ID }).first(), (i) =>
    events.itemRenamed({ id: BY_ID, title: `renamed ${i}` }),
  )
  const allRows = await latency(store, items.where({}), (i) =>
    events.itemRenamed({ id: `item-${(i * 97) % BATCHED_EVENTS}`, title: `again ${i}` }),
  )
  store.close()
  return {
    events: BATCHED_EVENTS,
    totalMs,
    eventsPerSecond: BATCHED_EVENTS / (totalMs / 1000),
    latency: { count, byId, allRows },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }
}

const fixture = async () => {
  // A synced client's store: 100,000 events received from the server (with gseq) and
  // applied through the sync seam, so the whole log is confirmed.
  const store = await open()
  const CHUNK = 5_000
  for (let i = 0; i < BOOT_EVENTS; i += CHUNK) {
    const upstream = []
    for (let n = i; n < Math.min(BOOT_EVENTS, i + CHUNK); n++) {
      upstream.push({
        name: 'v1.ItemCreated',
        args: itemArgs(n),
        clientId: 'server-writer',
        seq: n + 1,
        gseq: n + 1,
      })
    }
    store.sync.applyUpstream(upstream)
  }
  const rows = store.query(items.count())
  if (rows !== BOOT_EVENTS) throw new Error(`fixture has ${rows} rows`)
  store.close()
  return { events: BOOT_EVENTS }
}

const boot = async () => {
  const start = performance.now()
  const store = await open()
  const rows = store.query(items.count())
  const bootMs = performance.now() - start
  if (rows !== BOOT_EVENTS) throw new Error(`expected ${BOOT_EVENTS} rows after boot, got ${rows}`)
  const mode = store.boot.mode
  store.close()
  return { bootMs, rows, mode }
}

const modes = { single, batched, fixture, boot }
const run = modes[mode]
if (run === undefined) throw new Error(`unknown mode ${mode}`)
const result = await run()
writeFileSync(resultFile, JSON.stringify(result))
process.exit(0)
