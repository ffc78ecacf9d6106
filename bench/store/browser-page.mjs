// Bundled by browser.mjs into headless Chromium: the Strata side of the store workload on
// the browser driver (WASM SQLite in the page, journal + snapshots in OPFS). Exposes
// `window.strataBench.run(kind)`; every number is measured inside the page.
import { Column, createStore, Events, makeSchema, table } from '@strata/store'
import { browserAdapter } from '@strata/store/browser'
import { z } from 'zod'
import { BATCH_SIZE, BATCHED_EVENTS, itemArgs, LATENCY_SAMPLES, summarize } from './workload.mjs'

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
const macrotask = () => new Promise((r) => setTimeout(r, 0))
const open = async (storeId) => {
  const adapter = browserAdapter({ wasmUrl: '/sqlite3.wasm', storage: 'opfs' })
  const store = await createStore({ schema, adapter, storeId })
  return { adapter, store }
}
// `check(value, i)` proves the subscriber saw the result of commit i, not a stale value.
const latency = async (store, query, makeEvent, check) => {
  const samples = []
  let started = -1
  let done
  let current = -1
  const off = store.queryDb(query).subscribe((value) => {
    if (started < 0) return
    if (!check(value, current)) throw new Error(`stale result after commit ${current}`)
    samples.push(performance.now() - started)
    started = -1
    done()
  })
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const p = new Promise((r) => {
      done = r
    })
    current = i
    started = performance.now()
    store.commit(makeEvent(i))
    await p
    await macrotask()
  }
  off()
  return summarize(samples)
}

globalThis.strataBench = {
  // Single commits, each awaited until durable in OPFS, for up to `capMs`.
  async single(capMs) {
    const { adapter, store } = await open('single')
    const start = performance.now()
    let n = 0
    while (performance.now() - start < capMs) {
      store.commit(events.itemCreated(itemArgs(n++)))
      await adapter.flush()
    }
    const ms = performance.now() - start
    store.close()
    return { committed: n, eventsPerSecond: n / (ms / 1000) }
  },
  async batched() {
    const { adapter, store } = await open('batched')
    const start = performance.now()
    for (let i = 0; i < BATCHED_EVENTS; i += BATCH_SIZE) {
      const batch = []
      for (let j = i; j < i + BATCH_SIZE; j++) batch.push(events.itemCreated(itemArgs(j)))
      store.commit(...batch)
      await macrotask()
    }
    await adapter.flush()
    const ms = performance.now() - start
    const byId = `item-${BATCHED_EVENTS / 2}`
    let created = BATCHED_EVENTS
    const result = {
      eventsPerSecond: BATCHED_EVENTS / (ms / 1000),
      count: await latency(
        store,
        items.count(),
        () => events.itemCreated(itemArgs(created++)),
        (n, i) => n === BATCHED_EVENTS + i + 1,
      ),
      byId: await latency(
        store,
        items.where({ id: byId }).first(),
        (i) => events.itemRenamed({ id: byId, title: `r${i}` }),
        (row, i) => row?.title === `r${i}`,
      ),
      allRows: await latency(
        store,
        items.where({}),
        (i) => events.itemRenamed({ id: `item-${(i * 97) % BATCHED_EVENTS}`, title: `a${i}` }),
        (rows, i) =>
          rows.length === BATCHED_EVENTS + LATENCY_SAMPLES &&
          rows.find((r) => r.id === `item-${(i * 97) % BATCHED_EVENTS}`)?.title === `a${i}`,
      ),
    }
    await adapter.flush()
    store.close()
    return result
  },
  // Boot the store `batched` left behind (10,000+ events) from OPFS.
  async boot() {
    const start = performance.now()
    const { store } = await open('batched')
    const rows = store.query(items.count())
    const bootMs = performance.now() - start
    store.close()
    return { bootMs, rows }
  },
}
