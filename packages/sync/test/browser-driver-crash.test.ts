// End to end under Node: a store on the browser driver (journal persisted in the
// background; better-sqlite3 in memory instead of WASM, a Map instead of OPFS) synced to a
// real server process. The tab dies after a commit, before its journal write landed. The
// reloaded tab allocates that commit's seq again for a new event; had the dead tab pushed
// the lost event, the server would answer the new one as a duplicate and it would be
// lost. The store's seam shows the sync client only durable events (store decision 0036).
import { createStore } from '@strata/store'
import { afterEach, describe, expect, it } from 'vitest'
import { browserAdapter } from '../../store/src/adapters/browser.js'
import { memoryStorage } from '../../store/src/browser/storage/memory.js'
import type { DurableStorage } from '../../store/src/browser/storage/storage.js'
import { betterSqliteMemoryEngine } from '../../store/src/encryption/better-sqlite3-engine.js'
import { createSyncClient } from '../src/index.js'
import { cleanup, startServerProcess, until } from './harness.js'
import { events, schema, todos } from './todo-schema.js'

afterEach(cleanup)

const storeId = 'team:browser-crash'

async function serverLog(httpUrl: string) {
  const res = await fetch(`${httpUrl}/v1/stores/${encodeURIComponent(storeId)}/pull?cursor=0&limit=5000`)
  const body = (await res.json()) as {
    events: Array<{ clientId: string; seq: number; name: string; args: { id: string } }>
  }
  return body.events
}

/** The tab's files: writes land while `landing`, else wait forever (the tab dies first). */
function tabStorage(files: Map<string, Uint8Array>, state: { landing: boolean }): DurableStorage {
  const inner = memoryStorage(files)
  return {
    ...inner,
    write: (name, bytes) => (state.landing ? inner.write(name, bytes) : new Promise<void>(() => {})),
  }
}

async function openTab(files: Map<string, Uint8Array>, wsUrl: string) {
  const state = { landing: true }
  const adapter = browserAdapter({
    engine: betterSqliteMemoryEngine,
    storage: () => tabStorage(files, state),
    multiTab: false,
  })
  const store = await createStore({ schema, adapter, storeId })
  const client = createSyncClient({ store, url: wsUrl, backoff: { initialDelayMs: 20, maxDelayMs: 200 } })
  return { store, client, adapter, state }
}

describe('a browser tab that crashes right after a commit', () => {
  it('pushed nothing that was not durable: the reloaded tab’s next commit reaches the server', async () => {
    const server = await startServerProcess()
    const files = new Map<string, Uint8Array>()
    const tab = await openTab(files, server.wsUrl)
    tab.store.commit(events.todoCreated({ id: 'kept', title: 'durable' }))
    await tab.adapter.flush()
    await tab.client.whenSynced()

    tab.state.landing = false // the next journal write never lands
    tab.store.commit(events.todoCreated({ id: 'lost', title: 'died with the tab' }))
    expect(tab.client.status.pendingCount.get()).toBe(1)
    // Give the client every chance to push (it is online, the commit is local).
    await new Promise((r) => setTimeout(r, 300))
    // The crash: the socket drops, nothing more is written (the store is never closed).
    tab.client.dispose()

    const again = await openTab(files, server.wsUrl)
    expect(again.store.query(todos).map((t) => t.id)).toEqual(['kept'])
    again.store.commit(events.todoCreated({ id: 'new', title: 'after reload' }))
    expect(again.store.sync.lastSeq()).toBe(2) // the dead tab's seq, allocated again
    await again.client.whenSynced()
    const log = await serverLog(server.url)
    expect(log.map((e) => [e.seq, e.args.id])).toEqual([
      [1, 'kept'],
      [2, 'new'],
    ])
    await until(() => again.store.query(todos).length === 2, 'the reloaded tab to confirm its commit')
    expect(
      again.store
        .query(todos)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['kept', 'new'])
    again.client.dispose()
    again.store.close()
    await again.adapter.flush()
  })
})
