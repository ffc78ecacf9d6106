// Bundled by browser.test.ts with esbuild and loaded into headless Chromium: the same
// store code and test schema as the Node tests, on the browser driver (WASM SQLite,
// OPFS). Exposes a few functions on `window.strataTest` for the test to call.
import { setUnmountDelay } from '@strata/core'
import { type BrowserStoreAdapter, browserAdapter, NotLeaderError } from '../src/browser/index.js'
import { opfsStorage } from '../src/browser/storage/opfs.js'
import type { DurableStorage } from '../src/browser/storage/storage.js'
import type { TabMessage } from '../src/browser/tabs.js'
import { MaterializerError } from '../src/errors.js'
import { createStore } from '../src/store/create-store.js'
import type { Store } from '../src/store/store.js'
import { events, schema, todos } from './fixtures.js'

setUnmountDelay(0)
let store: Store<typeof schema> | undefined
let adapter: BrowserStoreAdapter | undefined
let liveCount: number | undefined
let stopWatch: (() => void) | undefined
/** Fault switches of the options `deaf` and `hanging` of `open` (see `fault`). */
const faults = { deaf: false, hanging: false }

/** OPFS whose writes, once `faults.hanging`, land but never finish (the tab cannot answer). */
const hangingOpfs = async (storeId: string): Promise<DurableStorage> => {
  const s = await opfsStorage(storeId)
  return {
    ...s,
    write: async (name, bytes) => {
      await s.write(name, bytes)
      if (faults.hanging) await new Promise<void>(() => {})
    },
  }
}

/** A BroadcastChannel that, while `faults.deaf`, drops the records other tabs broadcast. */
class DeafChannel extends BroadcastChannel {
  override set onmessage(fn: ((ev: MessageEvent) => void) | null) {
    super.onmessage = (ev: MessageEvent) => {
      if (faults.deaf && (ev.data as TabMessage).t === 'records') return
      fn?.call(this, ev)
    }
  }
}

const api = {
  async open(
    storeId: string,
    passphrase?: string,
    options: { forwardTimeoutMs?: number; snapshotEvery?: number; deaf?: boolean; hanging?: boolean } = {},
  ) {
    const { deaf, hanging, ...rest } = options
    adapter = browserAdapter({
      wasmUrl: '/sqlite3.wasm',
      ...(passphrase !== undefined ? { encryption: { passphrase, iterations: 2000 } } : {}),
      ...(hanging === true ? { storage: hangingOpfs } : {}),
      ...rest,
    })
    const Real = globalThis.BroadcastChannel
    if (deaf === true) globalThis.BroadcastChannel = DeafChannel
    try {
      store = await createStore({ schema, adapter, storeId })
    } finally {
      globalThis.BroadcastChannel = Real
    }
    const driver = adapter.drivers.get(storeId)!
    return { kind: store.driverKind, location: driver.location, role: driver.role, boot: store.boot.mode }
  },
  async commitTodos(from: number, count: number) {
    for (let i = from; i < from + count; i++) {
      store!.commit(events.todoCreated({ id: `t${i}`, title: `Todo ${i}`, position: i, tags: ['browser'] }))
    }
    store!.commit(events.todoCompleted({ id: `t${from}` }))
    await adapter!.flush()
  },
  read() {
    return {
      count: store!.query(todos.count()),
      done: store!.query(todos.where({ done: true }).select('id')),
      last: store!.query(todos.orderBy('position', 'desc').first()),
    }
  },
  /** Subscribe to a live count; `liveCount()` returns what the subscription last saw. */
  watchCount() {
    liveCount = undefined
    stopWatch?.()
    stopWatch = store!.queryDb(todos.count()).subscribe((n) => {
      liveCount = n
    })
  },
  liveCount() {
    return liveCount
  },
  /** Turn on a fault this tab was opened with (`deaf`: miss broadcasts; `hanging`: writes never finish). */
  fault(which: keyof typeof faults) {
    faults[which] = true
  },
  role(storeId: string) {
    return adapter!.drivers.get(storeId)!.role
  },
  /** Resolves once this tab owns the database (promoted tabs: after catching up). */
  async owner(storeId: string) {
    await adapter!.drivers.get(storeId)!.whenOwner()
  },
  async reopen(storeId: string) {
    store!.close()
    await adapter!.drivers.get(storeId)!.closeAsync()
    return api.open(storeId)
  },
  async flush() {
    await adapter!.flush()
  },
  tryCommit(id: string) {
    try {
      store!.commit(events.todoCreated({ id, title: 'from follower' }))
      return 'ok'
    } catch (e) {
      // NotLeaderError reaches the caller as is (not wrapped in MaterializerError).
      return e instanceof NotLeaderError ? 'not_leader' : `other: ${String(e)}`
    }
  },
  /** Commit `n` todos `gapMs` apart (a follower forwards each to the leader). */
  async commitSeries(prefix: string, n: number, gapMs: number) {
    for (let i = 0; i < n; i++) {
      store!.commit(events.todoCreated({ id: `${prefix}${i}`, title: `${prefix} ${i}`, position: i }))
      await new Promise((r) => setTimeout(r, gapMs))
    }
  },
  /** Commit a todo, then one whose materializer throws (in whichever tab leads). */
  commitAndExplode(id: string) {
    store!.commit(events.todoCreated({ id, title: 'before the failure' }))
    store!.commit(events.todoExploded({ id: `${id}-boom` }))
  },
  /** `flush()`, reporting a failure as data (errors do not cross `page.evaluate` typed). */
  async flushResult() {
    try {
      await adapter!.flush()
      return null
    } catch (e) {
      const err = e as { code?: string; eventName?: string }
      return {
        name: e instanceof MaterializerError ? 'MaterializerError' : String(e),
        code: err.code,
        event: err.eventName,
      }
    }
  },
  /** Rename a todo (a commit that would show twice in the log if applied twice). */
  rename(id: string, title: string) {
    store!.commit(events.todoRenamed({ id, title }))
  },
  ids() {
    return store!.query(todos.orderBy('id', 'asc').select('id')).map((t) => t.id)
  },
  /** The synced events waiting for the server, as `name id` (duplicates would show). */
  pending() {
    return store!.sync.pending().map((e) => `${e.name} ${(e.args as { id: string }).id}`)
  },
  /** The seqs of the synced events waiting for the server (one seq space for all tabs). */
  pendingSeqs() {
    return store!.sync.pending().map((e) => e.seq)
  },
  async files(storeId: string) {
    const root = await navigator.storage.getDirectory()
    const dir = await (await root.getDirectoryHandle('strata')).getDirectoryHandle(storeId)
    const out: Record<string, string> = {}
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
      const file = await (await dir.getFileHandle(name)).getFile()
      out[name] = new TextDecoder('latin1').decode(await file.arrayBuffer())
    }
    return out
  },
}
;(globalThis as { strataTest?: typeof api }).strataTest = api
export type StrataTestApi = typeof api
