/**
 * `browserAdapter()`: the store's driver for browsers. WASM SQLite in memory in the
 * page (synchronous reads and writes, as the store requires), made durable by a journal
 * of committed transactions plus periodic snapshots in OPFS, or IndexedDB where OPFS is
 * missing; optional AES-GCM encryption of every persisted file; one leader tab per store
 * (Web Locks) with the other tabs as synchronous read replicas fed over BroadcastChannel,
 * whose commits the leader applies for them.
 * Decisions: docs/decisions/0038 (driver design), 0039 (encryption), 0058 (forwarding).
 */

import type { MemoryEngine } from '../browser/engine.js'
import type { PersistenceError } from '../browser/errors.js'
import { checkForwardTimeout, type JournaledStoreDriver, openJournaledDriver } from '../browser/open.js'
import { indexedDbStorage } from '../browser/storage/indexeddb.js'
import { opfsAvailable, opfsStorage } from '../browser/storage/opfs.js'
import type { DurableStorage } from '../browser/storage/storage.js'
import { loadSqliteWasm, openWasmEngine } from '../browser/wasm-engine.js'
import type { EncryptionOptions } from '../encryption/store-key.js'
import type { StoreError } from '../errors.js'
import type { StoreAdapter } from './adapter.js'

/**
 * Options of `browserAdapter`.
 * @example
 * const options: BrowserAdapterOptions = { storage: 'auto', wasmUrl: '/sqlite3.wasm', snapshotEvery: 1000 }
 */
export interface BrowserAdapterOptions {
  /**
   * Where files go: `'auto'` (default: OPFS, else IndexedDB), `'opfs'`, `'indexeddb'`, or
   * a function returning any `DurableStorage` (e.g. `memoryStorage()` in tests).
   */
  readonly storage?:
    | 'auto'
    | 'opfs'
    | 'indexeddb'
    | ((storeId: string) => DurableStorage | Promise<DurableStorage>)
    | undefined
  /** Encrypt the persisted journal and snapshots (docs/decisions/0039). */
  readonly encryption?: EncryptionOptions | undefined
  /** URL of `sqlite3.wasm` (copy it from `@sqlite.org/sqlite-wasm/sqlite-wasm/jswasm/`). */
  readonly wasmUrl?: string | URL | undefined
  /** The wasm bytes instead of a URL. */
  readonly wasmBinary?: Uint8Array | undefined
  /** Another in-memory engine instead of WASM SQLite (Node: better-sqlite3 in memory). */
  readonly engine?: (() => MemoryEngine | Promise<MemoryEngine>) | undefined
  /** Journal records between snapshots (default 2,000). */
  readonly snapshotEvery?: number | undefined
  /** Coordinate tabs (default true; false = every opener owns its own copy). */
  readonly multiTab?: boolean | undefined
  /** Called when a background write fails; `flush()` rejects with the same error. */
  readonly onPersistenceError?: ((error: PersistenceError) => void) | undefined
  /**
   * In a follower tab, called for each commit forwarded to the leader tab that failed
   * there (MaterializerError, PersistenceError…); `flush()` rejects with it too (0058).
   */
  readonly onForwardError?: ((error: StoreError) => void) | undefined
  /**
   * In a follower tab: how long `flush()` waits for the leader tab to answer this tab's
   * forwarded commits before rejecting with a `StoreError` `forward_timeout` (the leader
   * holds the lock but does not answer: its page hangs or is frozen). The commits stay
   * sent — not dropped, not sent again — and a later `flush()` reports their outcome.
   * Milliseconds, from 1 to 2,147,483,647, or `Infinity` to wait as long as the leader
   * holds the lock. Default 10,000 (decision 0062).
   */
  readonly forwardTimeoutMs?: number | undefined
}

/**
 * A `StoreAdapter` whose drivers are journaled, plus a way to wait for durability.
 * @example
 * const adapter: BrowserStoreAdapter = browserAdapter()
 * await adapter.flush()
 */
export interface BrowserStoreAdapter extends StoreAdapter {
  open(opts: { readonly storeId: string }): Promise<JournaledStoreDriver>
  /** Resolve when every commit of every store opened through this adapter is durable. */
  flush(): Promise<void>
  /** The drivers opened so far, by store id (devtools, tests). */
  readonly drivers: ReadonlyMap<string, JournaledStoreDriver>
}

const openStorage = async (
  choice: BrowserAdapterOptions['storage'],
  storeId: string,
): Promise<DurableStorage> => {
  if (typeof choice === 'function') return choice(storeId)
  if (choice === 'indexeddb') return indexedDbStorage(storeId)
  if (choice === 'opfs') return opfsStorage(storeId)
  if (opfsAvailable()) {
    try {
      return await opfsStorage(storeId)
    } catch {
      // e.g. private windows that expose the API but refuse it: fall back below
    }
  }
  return indexedDbStorage(storeId)
}

/**
 * The browser adapter for `createStore`.
 * @param options storage, encryption, wasm location, snapshot interval, tabs
 * @returns an adapter; `await adapter.flush()` waits until commits are on disk
 * @throws StoreError `option_invalid` for a `forwardTimeoutMs` out of range
 * @example
 * import { createStore } from '@strata/store'
 * import { browserAdapter } from '@strata/store/browser'
 * const adapter = browserAdapter({ wasmUrl: '/sqlite3.wasm', encryption: { passphrase } })
 * const store = await createStore({ schema, adapter, storeId: 'todos' })
 * store.commit(events.todoCreated({ id: 't1', title: 'Milk' }))
 * await adapter.flush() // durable in OPFS
 */
export function browserAdapter(options: BrowserAdapterOptions = {}): BrowserStoreAdapter {
  checkForwardTimeout(options.forwardTimeoutMs, 'browserAdapter')
  const drivers = new Map<string, JournaledStoreDriver>()
  return {
    drivers,
    async open({ storeId }) {
      const engine =
        options.engine !== undefined
          ? await options.engine()
          : openWasmEngine(
              await loadSqliteWasm({
                ...(options.wasmUrl !== undefined ? { wasmUrl: options.wasmUrl } : {}),
                ...(options.wasmBinary !== undefined ? { wasmBinary: options.wasmBinary } : {}),
              }),
            )
      let storage: DurableStorage
      try {
        storage = await openStorage(options.storage, storeId)
      } catch (e) {
        engine.close()
        throw e
      }
      try {
        const driver = await openJournaledDriver({
          storeId,
          engine,
          storage,
          encryption: options.encryption,
          snapshotEvery: options.snapshotEvery,
          multiTab: options.multiTab,
          onPersistenceError: options.onPersistenceError,
          onForwardError: options.onForwardError,
          forwardTimeoutMs: options.forwardTimeoutMs,
        })
        drivers.set(storeId, driver)
        return driver
      } catch (e) {
        engine.close()
        storage.close()
        throw e
      }
    },
    async flush() {
      await Promise.all([...drivers.values()].map((d) => d.flush()))
    },
  }
}
