// Test support: "tabs" of one store under Node. Each tab is a store on its own driver
// (better-sqlite3 in memory), all sharing one storage, with Node's real BroadcastChannel
// and the in-test Web Locks manager of fake-locks.ts. Used by the forwarding tests
// (src/browser/forward*.test.ts); the same flows run in headless Chromium elsewhere.
import { setUnmountDelay } from '@strata/core'
import { afterAll, beforeAll } from 'vitest'
import {
  type BrowserAdapterOptions,
  type BrowserStoreAdapter,
  browserAdapter,
} from '../src/adapters/browser.js'
import type { DurableStorage } from '../src/browser/storage/storage.js'
import { betterSqliteMemoryEngine } from '../src/encryption/better-sqlite3-engine.js'
import type { StoreSchema } from '../src/schema/make-schema.js'
import { createStore } from '../src/store/create-store.js'
import type { Store } from '../src/store/store.js'
import { fakeLocks } from './fake-locks.js'

/** One tab: its store, its adapter, and the forwarded commits the leader refused. */
export interface Tab<S extends StoreSchema> {
  readonly store: Store<S>
  readonly adapter: BrowserStoreAdapter
  readonly errors: Error[]
}

/**
 * Install fake Web Locks for the calling test file and return how to open tabs.
 * @example
 * const { locks, openTab } = tabHarness(schema)
 * const a = await openTab('s1', () => memoryStorage(files))
 * const b = await openTab('s1', () => memoryStorage(files), { forwardTimeoutMs: 200 })
 */
export function tabHarness<S extends StoreSchema>(schema: S) {
  const locks = fakeLocks()
  let restore = () => {}
  beforeAll(() => {
    setUnmountDelay(0)
    restore = locks.install()
  })
  afterAll(() => restore())
  const openTab = async (
    storeId: string,
    storage: () => DurableStorage,
    options: BrowserAdapterOptions = {},
  ): Promise<Tab<S>> => {
    const errors: Error[] = []
    const adapter = browserAdapter({
      engine: betterSqliteMemoryEngine,
      storage,
      onForwardError: (e) => errors.push(e),
      ...options,
    })
    const store = await createStore({ schema, adapter, storeId })
    return { store, adapter, errors }
  }
  return { locks, openTab }
}

/** `'leader'` or `'follower'`. */
export const role = <S extends StoreSchema>(tab: Tab<S>) => [...tab.adapter.drivers.values()][0]!.role

/** Close the store and wait for its driver to let go of the locks. */
export const closeTab = async <S extends StoreSchema>(tab: Tab<S>) => {
  tab.store.close()
  await [...tab.adapter.drivers.values()][0]!.closeAsync()
}

/** Poll `cond` every 2 ms; throws naming `what` after 5 s. */
export const until = async (cond: () => boolean, what: string) => {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > 5000) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}
