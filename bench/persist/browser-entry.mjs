// Bundled by run.mjs and loaded in headless Chromium: the same adapters and cases as in
// Node, on the browser's real localStorage and IndexedDB. @nanostores/persistent has no
// async engine, so it runs on localStorage only; zustand gets an async StateStorage over
// IndexedDB (the same engine Strata uses there).
import { indexedDBEngine, localStorageEngine } from '@strata/persist'
import { adapters } from './adapters.mjs'
import { bigValue, cases, measure } from './cases.mjs'

let db = 0
const storages = {
  localStorage: () => ({
    strata: localStorageEngine(),
    zustand: localStorage,
    nanostores: localStorage,
    supports: () => true,
    cleanup: () => localStorage.clear(),
  }),
  indexedDB: () => {
    const name = `bench-${Date.now()}-${db++}`
    const engine = indexedDBEngine({ database: name, broadcast: false })
    return {
      strata: engine,
      zustand: {
        getItem: (k) => engine.getItem(k),
        setItem: (k, v) => engine.setItem(k, v),
        removeItem: (k) => engine.removeItem(k),
      },
      supports: (id) => id !== 'nanostores',
      cleanup: () => {
        engine.close()
        indexedDB.deleteDatabase(name)
      },
    }
  },
}

globalThis.runBench = async ({ rounds, warmup }) => {
  const big = bigValue()
  const bigBytes = new TextEncoder().encode(JSON.stringify(big)).length
  const results = []
  for (const kind of Object.keys(storages)) {
    for (const c of cases(big, bigBytes)) {
      const row = { engine: `chromium ${kind}`, case: c.id, label: c.label, ms: {} }
      for (const [id, a] of Object.entries(adapters)) {
        row.ms[id] = await measure(storages[kind], a, c, rounds, warmup)
      }
      results.push(row)
    }
  }
  return results
}
globalThis.benchLoaded = true
