// The storages every library is benchmarked on. Each library gets the same data
// structure in the shape it natively talks to:
// - "memory": a Web Storage-compatible in-memory Storage (getItem/setItem/key/length),
//   and for @nanostores/persistent (which reads its engine by property access) a plain
//   object property bag — what localStorage looks like to it.
// - "file": Strata's atomic Node file engine (temp file + fsync + rename + dir fsync),
//   exposed to zustand as a StateStorage and to nanostores as a property-bag Proxy.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { webStorageEngine } from '@strata/persist'
import { fileEngine } from '@strata/persist/node'

/** A Map-backed implementation of the DOM Storage interface. */
export class MapStorage {
  #data = new Map()
  #keys = null
  get length() {
    return this.#data.size
  }
  key(i) {
    this.#keys ??= [...this.#data.keys()]
    return this.#keys[i] ?? null
  }
  getItem(k) {
    return this.#data.get(k) ?? null
  }
  setItem(k, v) {
    if (!this.#data.has(k)) this.#keys = null
    this.#data.set(k, String(v))
  }
  removeItem(k) {
    if (this.#data.delete(k)) this.#keys = null
  }
  clear() {
    this.#data.clear()
    this.#keys = null
  }
}

/** A property-bag view of a sync Strata engine, the shape @nanostores/persistent uses. */
function bagOf(engine) {
  return new Proxy(
    {},
    {
      get: (_, k) => (typeof k === 'string' ? (engine.getItem(k) ?? undefined) : undefined),
      set: (_, k, v) => {
        engine.setItem(String(k), String(v))
        return true
      },
      deleteProperty: (_, k) => {
        engine.removeItem(String(k))
        return true
      },
      has: (_, k) => typeof k === 'string' && engine.getItem(k) !== null,
      ownKeys: () => engine.keys(''),
      getOwnPropertyDescriptor: (_, k) =>
        typeof k === 'string' && engine.getItem(k) !== null
          ? { configurable: true, enumerable: true, writable: true, value: engine.getItem(k) }
          : undefined,
    },
  )
}

/** A fresh, empty storage of `kind`, in the shapes each library needs. */
export function makeStorage(kind) {
  if (kind === 'memory') {
    const storage = new MapStorage()
    const bag = {}
    return {
      strata: webStorageEngine(storage, 'memory'),
      zustand: storage,
      nanostores: bag,
      supports: () => true,
      cleanup() {},
    }
  }
  if (kind === 'file') {
    const directory = mkdtempSync(join(tmpdir(), 'strata-bench-persist-'))
    const shapes = (engine) => ({
      strata: engine,
      zustand: {
        getItem: (k) => engine.getItem(k),
        setItem: (k, v) => engine.setItem(k, v),
        removeItem: (k) => engine.removeItem(k),
      },
      nanostores: bagOf(engine),
    })
    return {
      ...shapes(fileEngine({ directory })),
      // Untimed set-up (filling storage before a hydrate run) skips fsync: same files, faster.
      prepare: shapes(fileEngine({ directory, durable: false })),
      supports: () => true,
      cleanup: () => rmSync(directory, { recursive: true, force: true }),
    }
  }
  throw new Error(`unknown storage ${kind}`)
}
