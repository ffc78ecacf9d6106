// Type tests of the client API: wrong shapes must fail to compile (checked by `npm run typecheck`).
import type { ReadableStore } from '@strata/core'
import type { SyncClientError } from '../errors.js'
import type { StoreSyncSeam } from './store-seam.js'
import { createSyncClient, type SyncRejection } from './sync-client.js'

declare const seam: StoreSyncSeam
const store = { storeId: 'user:ada', sync: seam }

const client = createSyncClient({ store, url: 'ws://127.0.0.1:8787/v1/sync', batchSize: 100 })

// Status fields are read-only core stores with precise types.
const online: ReadableStore<boolean> = client.status.online
const pending: ReadableStore<number> = client.status.pendingCount
const last: ReadableStore<number | null> = client.status.lastSyncedAt
const error: ReadableStore<SyncClientError | null> = client.status.error
void [online, pending, last, error]
// @ts-expect-error status stores cannot be written by the app
client.status.online.set(true)
// @ts-expect-error pendingCount is a number store, not a string store
const wrong: ReadableStore<string> = client.status.pendingCount
void wrong

// Rejections carry the event and a narrowed code ('gap' is handled inside the client).
client.onRejection((r: SyncRejection) => {
  const code: 'invalid' | 'unknown_event' | 'forbidden' = r.code
  void code
  // @ts-expect-error a gap is never reported to the app
  const gap: 'gap' = r.code
  void gap
})

// @ts-expect-error the store option is required
createSyncClient({ url: 'ws://x' })
// @ts-expect-error a store needs the sync seam
createSyncClient({ store: { storeId: 's' }, url: 'ws://x' })
// @ts-expect-error batchSize is a number
createSyncClient({ store, url: 'ws://x', batchSize: '100' })
// @ts-expect-error getToken returns a token (string | undefined), not a number
createSyncClient({ store, url: 'ws://x', getToken: () => 42 })
