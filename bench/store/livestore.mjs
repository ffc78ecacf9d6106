// LiveStore 0.4.0 side of the store benchmark. Run as a child process by run.mjs:
//   node livestore.mjs <single|batched|fixture|boot> <workDir> <resultFile>
// It owns nothing but its working directory; it writes one JSON object to resultFile
// (LiveStore logs to stdout, so stdout is not used for results).
import { writeFileSync } from 'node:fs'
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, Events, makeSchema, queryDb, Schema, State } from '@livestore/livestore'
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
import { buildLiveStoreBootFixture, persistedEventCount } from './livestore-fixture.mjs'

const tables = {
  items: State.SQLite.table({
    name: 'items',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      title: State.SQLite.text({ default: '' }),
      n: State.SQLite.integer({ default: 0 }),
      done: State.SQLite.boolean({ default: false }),
    },
  }),
}
const events = {
  itemCreated: Events.synced({
    name: 'v1.ItemCreated',
    schema: Schema.Struct({ id: Schema.String, title: Schema.String, n: Schema.Number }),
  }),
  itemRenamed: Events.synced({
    name: 'v1.ItemRenamed',
    schema: Schema.Struct({ id: Schema.String, title: Schema.String }),
  }),
}
const materializers = State.SQLite.materializers(events, {
  'v1.ItemCreated': ({ id, title, n }) => tables.items.insert({ id, title, n }),
  'v1.ItemRenamed': ({ id, title }) => tables.items.update({ title }).where({ id }),
})
const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
const STORE_ID = 'bench'
const BY_ID = `item-${BATCHED_EVENTS / 2}`

const [, , mode, workDir, resultFile] = process.argv

const open = () =>
  createStorePromise({
    adapter: makeAdapter({ storage: { type: 'fs', baseDirectory: workDir } }),
    schema,
    storeId: STORE_ID,
    disableDevtools: true,
  })

/** Wait until LiveStore's leader has written `count` events to the eventlog file. */
const waitPersisted = async (count) => {
  while (persistedEventCount(workDir, STORE_ID) < count) await new Promise((r) => setTimeout(r, 20))
}

/** Commit→subscriber latency of `query` for commits of `makeEvent(i)` (workload.mjs). */
const latency = (store, query, makeEvent) =>
  measureLatency(
    (fn) => store.subscribe(query, fn),
    (i) => store.commit(makeEvent(i)),
  )

const single = async () => {
  const store = await open()
  const start = performance.now()
  let committed = 0
  while (committed < SINGLE_COMMITS && performance.now() - start < SINGLE_COMMIT_TIME_CAP_MS) {
    store.commit(events.itemCreated(itemArgs(committed)))
    committed++
    // One commit per task, as an app's UI events would arrive; lets the leader persist.
    await yieldMacrotask()
  }
  const committedMs = performance.now() - start
  await waitPersisted(committed)
  const totalMs = performance.now() - start
  await store.shutdownPromise()
  return { committed, committedMs, totalMs, eventsPerSecond: committed / (totalMs / 1000) }
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
  await waitPersisted(BATCHED_EVENTS)
  const totalMs = performance.now() - start
  const rows = store.query(queryDb(tables.items.count()))
  if (rows !== BATCHED_EVENTS) throw new Error(`expected ${BATCHED_EVENTS} rows, got ${rows}`)

  let created = BATCHED_EVENTS
  const count = await latency(store, queryDb(tables.items.count(), { label: 'count' }), () =>
    events.itemCreated(itemArgs(created++)),
  )
  const byId = await latency(
    store,
    queryDb(tables.items.where({ id: BY_ID }).first(), { label: 'byId' }),
    (i) => events.itemRenamed({ id: BY_ID, title: `renamed ${i}` }),
  )
  const allRows = await latency(store, queryDb(tables.items, { label: 'all' }), (i) =>
    events.itemRenamed({ id: `item-${(i * 97) % BATCHED_EVENTS}`, title: `again ${i}` }),
  )
  await store.shutdownPromise()
  return {
    events: BATCHED_EVENTS,
    totalMs,
    eventsPerSecond: BATCHED_EVENTS / (totalMs / 1000),
    latency: { count, byId, allRows },
    // maxRSS is in KiB: the peak of a process that built and queried 10,000 rows.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }
}

const fixture = async (confirmed = true) => {
  // A real LiveStore store with one event defines every file and system table;
  // the remaining events are appended in LiveStore's own row format (see livestore-fixture.mjs).
  const store = await open()
  store.commit(events.itemCreated(itemArgs(0)))
  await waitPersisted(1)
  await store.shutdownPromise()
  buildLiveStoreBootFixture(workDir, STORE_ID, BOOT_EVENTS, itemArgs, confirmed)
  return { events: BOOT_EVENTS, confirmed }
}

const boot = async () => {
  const start = performance.now()
  const store = await open()
  const rows = store.query(queryDb(tables.items.count()))
  const bootMs = performance.now() - start
  if (rows !== BOOT_EVENTS) throw new Error(`expected ${BOOT_EVENTS} rows after boot, got ${rows}`)
  await store.shutdownPromise()
  return { bootMs, rows }
}

const modes = { single, batched, fixture, 'fixture-pending': () => fixture(false), boot }
const run = modes[mode]
if (run === undefined) throw new Error(`unknown mode ${mode}`)
const result = await run()
writeFileSync(resultFile, JSON.stringify(result))
process.exit(0)
