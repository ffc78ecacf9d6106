// The browser adapter under Node: the real WASM SQLite build, with memory storage and
// fake-indexeddb standing in for OPFS (the OPFS path runs in Chromium: test/browser.test.ts).
import 'fake-indexeddb/auto'
import { setUnmountDelay } from '@strata/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadSqliteWasmInNode } from '../../test/browser-support.js'
import { events, schema, todos } from '../../test/fixtures.js'
import { JournalCorruptError } from '../browser/errors.js'
import { openJournaledDriver } from '../browser/open.js'
import { memoryStorage } from '../browser/storage/memory.js'
import { betterSqliteMemoryEngine } from '../encryption/better-sqlite3-engine.js'
import { WrongKeyError } from '../encryption/errors.js'
import { StoreError } from '../errors.js'
import { createStore } from '../store/create-store.js'
import { browserAdapter } from './browser.js'

beforeAll(async () => {
  setUnmountDelay(0)
  await loadSqliteWasmInNode()
})

describe('browserAdapter (WASM SQLite + journal) with createStore', () => {
  it('commits, reads synchronously, and reads the data back after a reopen', async () => {
    const files = new Map<string, Uint8Array>()
    const adapter = browserAdapter({ storage: () => memoryStorage(files) })
    const store = await createStore({ schema, adapter, storeId: 'todos' })
    expect(store.driverKind).toBe('wasm')
    store.commit(events.todoCreated({ id: 't1', title: 'Buy milk', tags: ['home'] }))
    store.commit(events.todoCreated({ id: 't2', title: 'Walk' }), events.todoCompleted({ id: 't2' }))
    expect(store.query(todos.where({ done: true }).count())).toBe(1)
    await adapter.flush()
    store.close()

    const again = await createStore({
      schema,
      adapter: browserAdapter({ storage: () => memoryStorage(files) }),
      storeId: 'todos',
    })
    expect(again.boot.mode).toBe('opened')
    expect(again.query(todos.where({ id: 't1' }).first())).toMatchObject({
      title: 'Buy milk',
      tags: ['home'],
    })
    expect(again.query(todos.count())).toBe(2)
    expect(again.sync.pending().map((e) => e.seq)).toEqual([1, 2, 3])
    again.close()
  })

  it('a rolled-back commit (materializer throws) leaves nothing in memory or on disk', async () => {
    const files = new Map<string, Uint8Array>()
    const adapter = browserAdapter({ storage: () => memoryStorage(files) })
    const store = await createStore({ schema, adapter, storeId: 'x' })
    store.commit(events.todoCreated({ id: 'keep', title: 'Keep' }))
    expect(() =>
      store.commit(events.todoCreated({ id: 'a', title: 'A' }), events.todoExploded({ id: 'b' })),
    ).toThrow()
    await adapter.flush()
    store.close()
    const again = await createStore({
      schema,
      adapter: browserAdapter({ storage: () => memoryStorage(files) }),
      storeId: 'x',
    })
    expect(again.query(todos.select('id'))).toEqual([{ id: 'keep' }])
    again.close()
  })

  it('persists to IndexedDB (the OPFS fallback) and reloads', async () => {
    const adapter = browserAdapter({ storage: 'indexeddb' })
    const store = await createStore({ schema, adapter, storeId: 'idb-store' })
    for (let i = 0; i < 30; i++)
      store.commit(events.todoCreated({ id: `t${i}`, title: `T${i}`, position: i }))
    await adapter.flush()
    store.close()
    await adapter.drivers.get('idb-store')?.closeAsync()
    const again = await createStore({
      schema,
      adapter: browserAdapter({ storage: 'indexeddb' }),
      storeId: 'idb-store',
    })
    expect(again.query(todos.count())).toBe(30)
    expect(again.query(todos.orderBy('position', 'desc').first())?.id).toBe('t29')
    again.close()
  })

  it('encrypted: reopens with the passphrase, refuses a wrong one, and stores no plaintext', async () => {
    const files = new Map<string, Uint8Array>()
    const encryption = { passphrase: 'correct horse', iterations: 2000 }
    const adapter = browserAdapter({ storage: () => memoryStorage(files), encryption })
    const store = await createStore({ schema, adapter, storeId: 'secret' })
    store.commit(events.todoCreated({ id: 't1', title: 'Confidential title' }))
    await adapter.flush()
    store.close()
    for (const [name, bytes] of files) {
      const latin = new TextDecoder('latin1').decode(bytes)
      expect(latin, name).not.toContain('Confidential')
      expect(latin, name).not.toContain('TodoCreated')
    }
    await expect(
      createStore({
        schema,
        adapter: browserAdapter({ storage: () => memoryStorage(files), encryption: { passphrase: 'nope' } }),
        storeId: 'secret',
      }),
    ).rejects.toBeInstanceOf(WrongKeyError)
    const again = await createStore({
      schema,
      adapter: browserAdapter({ storage: () => memoryStorage(files), encryption }),
      storeId: 'secret',
    })
    expect(again.query(todos.first())?.title).toBe('Confidential title')
    again.close()
  })

  it('a damaged persisted file fails the open with JournalCorruptError and is kept', async () => {
    const files = new Map<string, Uint8Array>()
    const adapter = browserAdapter({ storage: () => memoryStorage(files) })
    const store = await createStore({ schema, adapter, storeId: 'c' })
    store.commit(events.todoCreated({ id: 't1', title: 'T' }))
    await adapter.flush()
    store.close()
    const name = [...files.keys()].find((n) => n.startsWith('j-'))!
    files.set(name, new Uint8Array([1, 2, 3]))
    await expect(
      createStore({ schema, adapter: browserAdapter({ storage: () => memoryStorage(files) }), storeId: 'c' }),
    ).rejects.toBeInstanceOf(JournalCorruptError)
    expect(files.get(name)).toEqual(new Uint8Array([1, 2, 3]))
  })

  it.each([0, -5, Number.NaN, 2 ** 31, Number.NEGATIVE_INFINITY, '100' as unknown as number])(
    'rejects forwardTimeoutMs %s with a typed error',
    (bad) => {
      let error: unknown
      try {
        browserAdapter({ forwardTimeoutMs: bad })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ code: 'option_invalid' })
      expect(String((error as Error).message)).toContain(
        'must be milliseconds from 1 to 2147483647, or Infinity',
      )
    },
  )

  it('openJournaledDriver checks forwardTimeoutMs too', async () => {
    const opening = openJournaledDriver({
      storeId: 'bad-timeout',
      engine: betterSqliteMemoryEngine(),
      storage: memoryStorage(),
      multiTab: false,
      forwardTimeoutMs: -1,
    })
    await expect(opening).rejects.toMatchObject({ code: 'option_invalid' })
    await expect(opening).rejects.toThrow('openJournaledDriver({ forwardTimeoutMs: -1 })')
  })

  it.each([1, 10_000, 2 ** 31 - 1, Number.POSITIVE_INFINITY, undefined])(
    'accepts forwardTimeoutMs %s',
    (ok) => {
      expect(() => browserAdapter({ forwardTimeoutMs: ok })).not.toThrow()
    },
  )
})
