// Page script of the two-tab test (bundled by esbuild, run in headless Chromium). It
// syncs a store through the real client over the browser's WebSocket; the store side is
// a small in-memory seam, because this test is about tab coordination (Web Locks +
// BroadcastChannel), not about the browser store (tested in @strata/store).
import type { ConfirmedEvent } from '../src/index.js'
import { createSyncClient, type StoreSyncSeam, type SyncEventRecord } from '../src/index.js'

const params = new URLSearchParams(location.search)
const wsUrl = params.get('ws') ?? ''
const clientId = `tab-${Math.random().toString(36).slice(2)}`
let pending: SyncEventRecord[] = []
let head = 0
const applied: ConfirmedEvent[] = []
const listeners = new Set<() => void>()
let seq = 0

const sync: StoreSyncSeam = {
  clientId,
  pending: () => pending,
  confirmedHead: () => head,
  applyUpstream(events) {
    for (const e of events) {
      applied.push(e)
      pending = pending.filter((p) => !(p.clientId === e.clientId && p.seq === e.seq))
      head = e.gseq
    }
  },
  reject(s) {
    pending = pending.filter((p) => p.seq !== s)
  },
  onPending(fn) {
    listeners.add(fn)
    return () => listeners.delete(fn)
  },
}

const client = createSyncClient({
  store: { storeId: 'team:tabs', sync },
  url: wsUrl,
  backoff: { initialDelayMs: 20, maxDelayMs: 200 },
})

/** What the test calls through `page.evaluate`. */
export interface TabsTestApi {
  state(): { leading: boolean; online: boolean; applied: number; pendingCount: number; webLocks: boolean }
  commit(name: string): void
}

const api: TabsTestApi = {
  state: () => ({
    leading: client.leading,
    online: client.status.online.get(),
    applied: applied.length,
    pendingCount: client.status.pendingCount.get(),
    webLocks: 'locks' in navigator,
  }),
  commit(name) {
    pending = [...pending, { name, args: null, clientId, seq: ++seq }]
    for (const fn of listeners) fn()
  },
}
;(globalThis as unknown as { strataTabs: TabsTestApi }).strataTabs = api
