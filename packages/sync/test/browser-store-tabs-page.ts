// Page script of the shared-store tab test (bundled by esbuild, run in headless
// Chromium): the real browser store (WASM SQLite, OPFS, one leader tab) synced by the
// real client over the browser's WebSocket. A follower tab's commits go to the leader
// tab (store decision 0058), whose sync client pushes them (decision 0049).
import { createStore } from '@strata/store'
import { browserAdapter } from '../../store/src/browser/index.js'
import { createSyncClient } from '../src/index.js'
import { events, schema, todos } from './todo-schema.js'

const params = new URLSearchParams(location.search)
const storeId = params.get('store') ?? 'team:tabs-store'
const adapter = browserAdapter({ wasmUrl: '/sqlite3.wasm' })
const store = await createStore({ schema, adapter, storeId })
const client = createSyncClient({
  store,
  url: params.get('ws') ?? '',
  backoff: { initialDelayMs: 20, maxDelayMs: 200 },
})

/** What the test calls through `page.evaluate`. */
export interface StoreTabsTestApi {
  state(): {
    role: string
    leading: boolean
    online: boolean
    pending: number
    pendingCount: number
    lastSeq: number
    titles: string[]
  }
  commit(id: string, title: string): void
  flush(): Promise<void>
  /** From now on no OPFS write of this tab lands (a slow disk, until the tab dies). */
  stallWrites(): void
}

const api: StoreTabsTestApi = {
  state: () => ({
    role: adapter.drivers.get(storeId)?.role ?? 'closed',
    leading: client.leading,
    online: client.status.online.get(),
    pending: store.sync.pending().length,
    pendingCount: client.status.pendingCount.get(),
    lastSeq: store.sync.lastSeq(),
    titles: store.query(todos.orderBy('id', 'asc')).map((t) => t.title),
  }),
  commit(id, title) {
    store.commit(events.todoCreated({ id, title, by: 'tab' }))
  },
  flush: () => adapter.flush(),
  stallWrites() {
    FileSystemFileHandle.prototype.createWritable = () => new Promise(() => {})
  },
}
;(globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs = api
