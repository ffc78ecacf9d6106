/**
 * IndexedDB `DurableStorage`, the fallback where OPFS is missing: database
 * `strata-store:<storeId>`, object store `files`, key = file name, value = bytes. Each
 * write is one readwrite transaction with `durability: 'strict'`, resolved on `complete`.
 */
import type { DurableStorage } from './storage.js'

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
  })

/**
 * Open the IndexedDB storage of a store.
 * @param storeId the store
 * @param factory the IndexedDB factory (default `globalThis.indexedDB`; tests pass fake-indexeddb)
 * @returns the storage
 * @example
 * const storage = await indexedDbStorage('todos')
 */
export async function indexedDbStorage(
  storeId: string,
  factory: IDBFactory = globalThis.indexedDB,
): Promise<DurableStorage> {
  const name = `strata-store:${storeId}`
  const open = factory.open(name, 1)
  open.onupgradeneeded = () => {
    open.result.createObjectStore('files')
  }
  const db = await request(open)
  const tx = (mode: IDBTransactionMode) => db.transaction('files', mode, { durability: 'strict' })
  return {
    kind: 'indexeddb',
    location: `indexeddb:${name}`,
    async list() {
      const keys = await request(tx('readonly').objectStore('files').getAllKeys())
      return keys.map(String)
    },
    async read(file) {
      const value: unknown = await request(tx('readonly').objectStore('files').get(file))
      return value instanceof Uint8Array
        ? value
        : value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : undefined
    },
    async write(file, bytes) {
      const t = tx('readwrite')
      t.objectStore('files').put(bytes.slice(), file)
      await done(t)
    },
    async remove(files) {
      const t = tx('readwrite')
      const store = t.objectStore('files')
      for (const f of files) store.delete(f)
      await done(t)
    },
    close() {
      db.close()
    },
  }
}
