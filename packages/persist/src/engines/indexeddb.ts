/**
 * The IndexedDB engine: string values in one object store, writes made in the same tick
 * grouped into one transaction, other tabs told through a BroadcastChannel. Without
 * `indexedDB` (server rendering) it falls back to memory. The database opens lazily on
 * the first operation, never at import or creation time.
 */
import { changeChannel } from './broadcast.js'
import { asAsync } from './as-async.js'
import { memoryEngine } from './memory.js'
import type { AsyncEngine } from './types.js'

/**
 * Options of {@link indexedDBEngine}.
 * @example
 * ```ts
 * const options: IndexedDBEngineOptions = { database: 'shop', store: 'cache' }
 * ```
 */
export interface IndexedDBEngineOptions {
  /** Database name; default "strata". */
  database?: string
  /** Object store name; default "kv". */
  store?: string
  /** The IDBFactory to use; default `globalThis.indexedDB` (pass fake-indexeddb in tests). */
  factory?: IDBFactory
  /** Tell other tabs about writes; default true. */
  broadcast?: boolean
  /** The IDBKeyRange of the same implementation as `factory`; default `globalThis.IDBKeyRange`. */
  keyRange?: typeof IDBKeyRange
}

type Op = { kind: 'put'; key: string; value: string } | { kind: 'delete'; key: string }

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

/**
 * An async engine on IndexedDB, for values too big or too many for localStorage.
 *
 * @param options database/store names, a custom IDBFactory
 * @returns an {@link AsyncEngine}; memory fallback where IndexedDB is missing
 * @example
 * ```ts
 * const products = persistent({ items: [], fetchedAt: 0 }, 'products', {
 *   engine: indexedDBEngine({ database: 'shop' }),
 * })
 * await products.ready
 * ```
 */
export function indexedDBEngine(options: IndexedDBEngineOptions = {}): AsyncEngine & { close(): void } {
  const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
  if (!factory) return asAsync(memoryEngine({ name: 'memory (no indexedDB)' }))
  const KeyRange = options.keyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange
  const range = (prefix: string) => {
    if (!KeyRange) throw new Error('IDBKeyRange is not available: pass options.keyRange with options.factory')
    return KeyRange.bound(prefix, `${prefix}\uffff`)
  }
  const dbName = options.database ?? 'strata'
  const storeName = options.store ?? 'kv'
  const channel = options.broadcast === false ? null : changeChannel(`strata:idb:${dbName}/${storeName}`)
  let dbPromise: Promise<IDBDatabase> | null = null
  let queue: { ops: Op[]; done: Promise<void> } | null = null

  // Open the database and make sure it has our store. Engines of other stores (in this tab
  // or another) may be adding theirs at the same moment: each wants "current version + 1",
  // so an upgrade can find its version already taken by someone else's upgrade, which
  // created their store, not ours. So: check the store after every open; if it is missing,
  // close and ask for the version after the one we saw, until it is there. Every such round
  // means another engine's upgrade got in first, so however many engines there are, each
  // gets its turn; only rounds in which nobody moved on (the version did not grow) or our
  // own upgrade ran and still left no store count as failures, and a few of those end it.
  // A database without our store is never cached. The connection kept closes as soon as
  // another one wants to upgrade (`versionchange`; the others are closed at once), so
  // upgrades between Strata engines are never blocked for long; one blocked by a foreign
  // connection that never closes waits until that connection closes.
  const db = (): Promise<IDBDatabase> => {
    if (dbPromise) return dbPromise
    const p: Promise<IDBDatabase> = (async () => {
      let version: number | undefined
      let stalls = 0
      for (;;) {
        let upgraded = false
        const d = await new Promise<IDBDatabase | null>((resolve, reject) => {
          const open = version ? factory.open(dbName, version) : factory.open(dbName)
          open.onupgradeneeded = () => {
            upgraded = true
            if (!open.result.objectStoreNames.contains(storeName)) open.result.createObjectStore(storeName)
          }
          open.onsuccess = () => resolve(open.result)
          // Someone else got past `version` first: look at the database again.
          open.onerror = () => (open.error?.name === 'VersionError' ? resolve(null) : reject(open.error))
        })
        if (d?.objectStoreNames.contains(storeName)) {
          d.onversionchange = () => {
            d.close()
            if (dbPromise === p) dbPromise = null
          }
          return d
        }
        // (we asked for `version`, one above the version seen last: below it, nothing moved on)
        if ((upgraded || (d && d.version < (version ?? 0))) && ++stalls > 3)
          throw new DOMException(`cannot add object store ${storeName} to ${dbName}`, 'NotFoundError')
        d?.close()
        version = d ? d.version + 1 : undefined
      }
    })()
    dbPromise = p
    p.catch(() => {
      if (dbPromise === p) dbPromise = null
    })
    return p
  }

  // A connection closed by another engine's upgrade (`versionchange`) cannot start
  // transactions any more: open again, once.
  const transaction = async (mode: IDBTransactionMode): Promise<IDBTransaction> => {
    const p = db()
    try {
      return (await p).transaction(storeName, mode)
    } catch (e) {
      if ((e as Error).name !== 'InvalidStateError') throw e
      if (dbPromise === p) dbPromise = null
      return (await db()).transaction(storeName, mode)
    }
  }

  // Reads in the same tick share one readonly transaction (hydrating 1,000 entries costs
  // one transaction, not 1,000). Starting a read batch closes the open write batch and
  // vice versa, so every read sees exactly the writes issued before it.
  let reads: { keys: string[]; done: Promise<unknown[]> } | null = null
  const read = (key: string): Promise<unknown> => {
    if (!reads) {
      queue = null
      const keys: string[] = []
      const done = Promise.resolve('readonly' as const)
        .then(transaction)
        .then(
          (tx) =>
            new Promise<unknown[]>((resolve, reject) => {
              if (reads?.keys === keys) reads = null
              const os = tx.objectStore(storeName)
              const out: unknown[] = new Array(keys.length)
              keys.forEach((k, i) => {
                const r = os.get(k)
                r.onsuccess = () => {
                  out[i] = r.result
                }
              })
              tx.oncomplete = () => resolve(out)
              tx.onerror = () => reject(tx.error)
              tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'))
            }),
        )
      reads = { keys, done }
      done.catch(() => {
        if (reads?.done === done) reads = null
      })
    }
    const i = reads.keys.push(key) - 1
    return reads.done.then((out) => out[i])
  }

  // Writes in the same tick share one readwrite transaction: 1,000 setKey calls cost one
  // commit, and their relative order is kept.
  const enqueue = (op: Op): Promise<void> => {
    reads = null
    if (!queue) {
      const ops: Op[] = []
      const done = Promise.resolve('readwrite' as const)
        .then(transaction)
        .then(
          (tx) =>
            new Promise<void>((resolve, reject) => {
              if (queue?.ops === ops) queue = null
              const os = tx.objectStore(storeName)
              for (const o of ops) {
                if (o.kind === 'put') os.put(o.value, o.key)
                else os.delete(o.key)
              }
              tx.oncomplete = () => {
                for (const o of ops) channel?.post(o.key)
                resolve()
              }
              tx.onerror = () => reject(tx.error)
              tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'))
            }),
        )
      queue = { ops, done }
      done.catch(() => {
        if (queue?.ops === ops) queue = null
      })
    }
    queue.ops.push(op)
    return queue.done
  }

  return {
    name: 'indexedDB',
    sync: false,
    async getItem(key) {
      const v = await read(key)
      return typeof v === 'string' ? v : v === undefined ? null : JSON.stringify(v)
    },
    setItem: (key, value) => enqueue({ kind: 'put', key, value }),
    removeItem: (key) => enqueue({ kind: 'delete', key }),
    async keys(prefix) {
      const keys = await request(
        (await transaction('readonly')).objectStore(storeName).getAllKeys(range(prefix)),
      )
      return keys.filter((k): k is string => typeof k === 'string')
    },
    async entries(prefix) {
      // One readonly transaction, two requests: far cheaper than one get() per key.
      const r = range(prefix)
      const os = (await transaction('readonly')).objectStore(storeName)
      const [keys, values] = await Promise.all([request(os.getAllKeys(r)), request(os.getAll(r))])
      const out: [string, string][] = []
      keys.forEach((k, i) => {
        const v = values[i]
        if (typeof k === 'string') out.push([k, typeof v === 'string' ? v : JSON.stringify(v)])
      })
      return out
    },
    watch: (fn) => (channel ? channel.watch(fn) : () => {}),
    close() {
      channel?.close()
      void dbPromise?.then(
        (d) => d.close(),
        () => {},
      )
      dbPromise = null
    },
  }
}
