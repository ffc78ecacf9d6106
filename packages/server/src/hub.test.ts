import type { ConfirmedEvent } from '@strata/sync'
import { afterEach, describe, expect, it } from 'vitest'
import { Hub } from './hub.js'
import { openSqliteStorage } from './storage/sqlite.js'
import type { SyncStorage } from './storage/storage.js'

let storage: SyncStorage
afterEach(() => storage.close())

async function push(s: SyncStorage, clientId: string, from: number, count: number) {
  const events = Array.from({ length: count }, (_, i) => ({ name: 'v1.T', args: i, clientId, seq: from + i }))
  return s.append(
    'st',
    clientId,
    events,
    events.map(() => undefined),
  )
}

describe('Hub', () => {
  it('wakes subscribers on local commits and serves reads from its window', async () => {
    storage = openSqliteStorage({ filename: ':memory:' })
    const hub = new Hub(storage, { windowSize: 3 })
    let wakes = 0
    expect(await hub.join('st', { wake: () => wakes++ })).toBe(0)
    const r = await push(storage, 'a', 1, 5)
    hub.committed('st', r.appended, r.head)
    expect(wakes).toBe(1)
    expect(hub.head('st')).toBe(5)
    // window holds the last 3; older reads fall back to storage, results identical
    expect((await hub.read('st', 0, 10)).map((e) => e.gseq)).toEqual([1, 2, 3, 4, 5])
    expect((await hub.read('st', 3, 10)).map((e) => e.gseq)).toEqual([4, 5])
    expect(hub.liveFrame('st', 0, 100)?.upTo).toBe(5)
    expect(hub.liveFrame('st', 2, 100)).toBeUndefined()
  })

  it('bounds its window by bytes too: large events older than the bound are read from storage', async () => {
    storage = openSqliteStorage({ filename: ':memory:' })
    let storageReads = 0
    const counted: SyncStorage = {
      ...storage,
      read: (...args) => {
        storageReads++
        return storage.read(...args)
      },
    }
    const big = (clientId: string, seq: number) => ({ name: 'v1.T', args: 'x'.repeat(1000), clientId, seq })
    const bounded = new Hub(counted, { windowBytes: 3500 }) // room for three of them
    const unbounded = new Hub(counted)
    await bounded.join('st', { wake() {} })
    await unbounded.join('st', { wake() {} })
    const events = Array.from({ length: 10 }, (_, i) => big('a', i + 1))
    const r = await storage.append(
      'st',
      'a',
      events,
      events.map(() => undefined),
    )
    bounded.committed('st', r.appended, r.head)
    unbounded.committed('st', r.appended, r.head)
    storageReads = 0
    expect((await bounded.read('st', 7, 10)).map((e) => e.gseq)).toEqual([8, 9, 10])
    expect(storageReads).toBe(0) // the last three: from the window
    expect((await bounded.read('st', 5, 10)).map((e) => e.gseq)).toEqual([6, 7, 8, 9, 10])
    expect(storageReads).toBe(1) // older: from storage, same results
    storageReads = 0
    expect((await unbounded.read('st', 0, 10)).map((e) => e.gseq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(storageReads).toBe(0)
  })

  it('a remote notice fetches the missing range once and never exposes events beyond the head', async () => {
    storage = openSqliteStorage({ filename: ':memory:' })
    const hub = new Hub(storage)
    let wakes = 0
    await hub.join('st', { wake: () => wakes++ })
    await push(storage, 'other-node', 1, 4) // committed elsewhere, not announced yet
    expect(await hub.read('st', 0, 10)).toEqual([])
    hub.remote('st', 4)
    await waitUntil(() => hub.head('st') === 4)
    expect(wakes).toBeGreaterThan(0)
    expect((await hub.read('st', 0, 10)).map((e: ConfirmedEvent) => e.gseq)).toEqual([1, 2, 3, 4])
  })

  it('a local commit after unseen remote events restarts the window and reads stay gap-free', async () => {
    storage = openSqliteStorage({ filename: ':memory:' })
    const hub = new Hub(storage)
    await hub.join('st', { wake() {} })
    await push(storage, 'remote', 1, 2)
    const mine = await push(storage, 'local', 1, 1) // gseq 3
    hub.committed('st', mine.appended, mine.head)
    expect((await hub.read('st', 0, 10)).map((e) => e.gseq)).toEqual([1, 2, 3])
  })

  it('forgets a store when its last subscriber leaves', async () => {
    storage = openSqliteStorage({ filename: ':memory:' })
    const hub = new Hub(storage)
    const sub = { wake() {} }
    await hub.join('st', sub)
    expect(hub.subscriberCount()).toBe(1)
    hub.leave('st', sub)
    expect(hub.head('st')).toBeUndefined()
  })
})

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('Hub while a store is opening', () => {
  it('a commit announced during the initial head read is not lost', async () => {
    const real = openSqliteStorage({ filename: ':memory:' })
    storage = real
    // The one stub of this unit test: hold the initial head read until a commit happened.
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const slowHead: SyncStorage = {
      ...real,
      head: async (id) => {
        const h = await real.head(id)
        await gate
        return h
      },
    }
    const hub = new Hub(slowHead)
    const joining = hub.join('st', { wake() {} }) // reads head 0, then waits
    const r = await push(real, 'a', 1, 2)
    hub.committed('st', r.appended, r.head) // the state does not exist yet
    release()
    await joining
    await waitUntil(() => hub.head('st') === 2)
    expect((await hub.read('st', 0, 10)).map((e) => e.gseq)).toEqual([1, 2])
  })

  it('a storage read that throws synchronously is reported, and the next notice fetches again', async () => {
    const real = openSqliteStorage({ filename: ':memory:' })
    let fail = true
    const storage: SyncStorage = {
      ...real,
      read(storeId, after, limit) {
        if (fail) throw new Error('pool is down')
        return real.read(storeId, after, limit)
      },
    }
    const errors: unknown[] = []
    const hub = new Hub(storage, { onFetchError: (e) => errors.push(e) })
    await hub.join('st', { wake: () => undefined })
    const r = await real.append('st', 'a', [{ name: 'v1.T', args: 1, clientId: 'a', seq: 1 }], [undefined])
    hub.remote('st', r.head)
    await new Promise((res) => setTimeout(res, 20))
    expect(errors).toHaveLength(1)
    fail = false
    hub.remote('st', r.head)
    await new Promise((res) => setTimeout(res, 20))
    expect(hub.head('st')).toBe(1)
    await real.close()
  })
})
