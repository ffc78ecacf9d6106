// One adapter per library, each doing the same four jobs in its own idiomatic way:
// persist N keys (one change per key), hydrate N keys, persist a ~1 MB value, hydrate it.
// Every job ends only when the data is really in (or out of) storage, and each adapter
// verifies the result so a fast-but-wrong library cannot win.
import { setPersistentEngine, persistentAtom, persistentMap as nanoMap } from '@nanostores/persistent'
import { persistent, persistentMap } from '@strata/persist'
import { createJSONStorage, persist } from 'zustand/middleware'
import { createStore } from 'zustand/vanilla'

const noEvents = { addEventListener() {}, removeEventListener() {} }
const check = (ok, what) => {
  if (!ok) throw new Error(`benchmark check failed: ${what}`)
}

export const adapters = {
  strata: {
    id: 'strata',
    name: '@strata/persist',
    async persistKeys(s, n) {
      const m = persistentMap({}, 'k:', { engine: s.strata, crossTab: false })
      for (let i = 0; i < n; i++) m.setKey(`key${i}`, { i, label: `item ${i}` })
      await m.flush()
      check((await s.strata.keys('k:')).length === n, 'strata wrote every key')
    },
    async hydrateKeys(s, n) {
      const m = persistentMap({}, 'k:', { engine: s.strata, crossTab: false })
      await m.ready
      check(Object.keys(m.get()).length === n, 'strata hydrated every key')
      m.dispose()
    },
    async persistBig(s, value) {
      const p = persistent(null, 'big', { engine: s.strata, crossTab: false })
      p.set(value)
      await p.flush()
    },
    async hydrateBig(s, value) {
      const p = persistent(null, 'big', { engine: s.strata, crossTab: false })
      await p.ready
      check(p.get()?.rows.length === value.rows.length, 'strata hydrated the big value')
      p.dispose()
    },
  },
  nanostores: {
    id: 'nanostores',
    name: '@nanostores/persistent',
    async persistKeys(s, n) {
      setPersistentEngine(s.nanostores, noEvents)
      const m = nanoMap('k:', {}, { encode: JSON.stringify, decode: JSON.parse, listen: false })
      for (let i = 0; i < n; i++) m.setKey(`key${i}`, { i, label: `item ${i}` })
      check(Object.keys(m.get()).length === n, 'nanostores wrote every key')
    },
    async hydrateKeys(s, n) {
      setPersistentEngine(s.nanostores, noEvents)
      const m = nanoMap('k:', {}, { encode: JSON.stringify, decode: JSON.parse, listen: false })
      const off = m.listen(() => {}) // persistentMap loads on mount
      check(Object.keys(m.get()).length === n, 'nanostores hydrated every key')
      off()
    },
    async persistBig(s, value) {
      setPersistentEngine(s.nanostores, noEvents)
      const a = persistentAtom('big', null, { encode: JSON.stringify, decode: JSON.parse, listen: false })
      a.set(value)
    },
    async hydrateBig(s, value) {
      setPersistentEngine(s.nanostores, noEvents)
      const a = persistentAtom('big', null, { encode: JSON.stringify, decode: JSON.parse, listen: false })
      check(a.get()?.rows.length === value.rows.length, 'nanostores hydrated the big value')
    },
  },
  zustand: {
    id: 'zustand',
    name: 'zustand persist',
    async persistKeys(s, n) {
      // zustand persists one object; each change rewrites it (its documented model).
      const store = createStore(
        persist(() => ({}), { name: 'k', storage: createJSONStorage(() => s.zustand) }),
      )
      // With an async storage every setState returns its write's promise: wait for all.
      const writes = []
      for (let i = 0; i < n; i++) writes.push(store.setState({ [`key${i}`]: { i, label: `item ${i}` } }))
      await Promise.all(writes)
      check(
        Object.keys(JSON.parse(await s.zustand.getItem('k')).state).length === n,
        'zustand wrote every key',
      )
    },
    async hydrateKeys(s, n) {
      const store = createStore(
        persist(() => ({}), { name: 'k', storage: createJSONStorage(() => s.zustand) }),
      )
      await store.persist.rehydrate()
      check(Object.keys(store.getState()).length === n, 'zustand hydrated every key')
    },
    async persistBig(s, value) {
      const store = createStore(
        persist(() => ({ big: null }), { name: 'big', storage: createJSONStorage(() => s.zustand) }),
      )
      await store.setState({ big: value })
    },
    async hydrateBig(s, value) {
      const store = createStore(
        persist(() => ({ big: null }), { name: 'big', storage: createJSONStorage(() => s.zustand) }),
      )
      await store.persist.rehydrate()
      check(store.getState().big?.rows.length === value.rows.length, 'zustand hydrated the big value')
    },
  },
}
