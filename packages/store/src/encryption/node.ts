/**
 * `encryptedNodeAdapter()`: encryption at rest for Node stores (Node only: better-sqlite3
 * and node:fs). SQLCipher is not available, so instead of an encrypted database file the
 * store runs on an in-memory better-sqlite3 database whose committed transactions are
 * persisted as an AES-GCM-encrypted journal plus encrypted snapshots in a directory —
 * the same journaled design as the browser driver (docs/decisions/0039).
 */
import { join } from 'node:path'
import type { BrowserStoreAdapter } from '../adapters/browser.js'
import type { PersistenceError } from '../browser/errors.js'
import { type JournaledStoreDriver, openJournaledDriver } from '../browser/open.js'
import { betterSqliteMemoryEngine } from './better-sqlite3-engine.js'
import { directoryStorage } from './directory-storage.js'
import type { EncryptionOptions } from './store-key.js'

/**
 * Options of `encryptedNodeAdapter`.
 * @example
 * const options: EncryptedNodeAdapterOptions = { directory: './data', encryption: { key } }
 */
export interface EncryptedNodeAdapterOptions {
  /** Parent directory; each store keeps its files in `<directory>/<storeId>/`. */
  readonly directory: string
  /** The key or passphrase (required: use `nodeAdapter` for plain files). */
  readonly encryption: EncryptionOptions
  /** Journal records between snapshots (default 2,000). */
  readonly snapshotEvery?: number | undefined
  /** Called when a background write fails; `flush()` rejects with the same error. */
  readonly onPersistenceError?: ((error: PersistenceError) => void) | undefined
}

/**
 * An adapter whose stores are encrypted at rest in a directory.
 * @param options directory, key or passphrase, snapshot interval
 * @returns the adapter; `await adapter.flush()` waits until commits are on disk
 * @example
 * const adapter = encryptedNodeAdapter({ directory: './data', encryption: { passphrase: process.env.PASS! } })
 * const store = await createStore({ schema, adapter, storeId: 'notes' })
 * store.commit(events.noteAdded({ id: 'n1', text: 'private' }))
 * await adapter.flush()
 */
export function encryptedNodeAdapter(options: EncryptedNodeAdapterOptions): BrowserStoreAdapter {
  const drivers = new Map<string, JournaledStoreDriver>()
  return {
    drivers,
    async open({ storeId }) {
      const storage = await directoryStorage(join(options.directory, encodeURIComponent(storeId)))
      const engine = betterSqliteMemoryEngine()
      try {
        const driver = await openJournaledDriver({
          storeId,
          engine,
          storage,
          encryption: options.encryption,
          snapshotEvery: options.snapshotEvery,
          multiTab: false,
          onPersistenceError: options.onPersistenceError,
        })
        drivers.set(storeId, driver)
        return driver
      } catch (e) {
        engine.close()
        throw e
      }
    },
    async flush() {
      await Promise.all([...drivers.values()].map((d) => d.flush()))
    },
  }
}
