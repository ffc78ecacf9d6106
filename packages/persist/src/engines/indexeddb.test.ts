import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { persistentMap } from '../persistent-map.js'
import { indexedDBEngine } from './indexeddb.js'

let n = 0
const fresh = () => indexedDBEngine({ database: `t${++n}-${Date.now()}` })

describe('indexedDBEngine (fake-indexeddb; real IndexedDB runs in test/browser.test.ts)', () => {
  it('round-trips values and lists keys by prefix', async () => {
    const e = fresh()
    await e.setItem('p:1', 'a')
    await e.setItem('p:2', 'b')
    await e.setItem('other', 'c')
    expect(await e.getItem('p:1')).toBe('a')
    expect((await e.keys('p:')).sort()).toEqual(['p:1', 'p:2'])
    await e.removeItem('p:1')
    expect(await e.getItem('p:1')).toBeNull()
    e.close()
  })

  it('groups writes of one tick into one transaction, keeping their order', async () => {
    const e = fresh()
    const writes = [e.setItem('k', '1'), e.setItem('k', '2'), e.removeItem('k'), e.setItem('k', '3')]
    await Promise.all(writes)
    expect(await e.getItem('k')).toBe('3')
    e.close()
  })

  it('reads of one tick share a transaction yet see exactly the writes issued before them', async () => {
    const e = fresh()
    await e.setItem('k', 'old')
    const [before, , after, many] = await Promise.all([
      e.getItem('k'),
      e.setItem('k', 'new'),
      e.getItem('k'),
      Promise.all(Array.from({ length: 100 }, (_, i) => e.getItem(i === 50 ? 'k' : `none${i}`))),
    ])
    expect(before).toBe('old')
    expect(after).toBe('new')
    expect(many[50]).toBe('new')
    expect(many.filter((v) => v === null)).toHaveLength(99)
    e.close()
  })

  it('entries(prefix) returns every pair in one round trip; persistentMap hydrates through it', async () => {
    const e = fresh()
    await Promise.all([e.setItem('m:a', '{"v":0,"d":1}'), e.setItem('m:b', '{bad'), e.setItem('other', 'x')])
    expect(await e.entries?.('m:')).toEqual([
      ['m:a', '{"v":0,"d":1}'],
      ['m:b', '{bad'],
    ])
    const m = persistentMap<Record<string, number>>({}, 'm:', { engine: e })
    await m.ready
    expect(m.get()).toEqual({ a: 1 })
    const err = m.errors.get()[0]
    expect(err?.code).toBe('E_DECODE')
    expect(await e.getItem(err?.quarantineKey as string)).toBe('{bad')
    m.dispose()
    e.close()
  })

  it('adds its object store to an existing database that lacks it', async () => {
    const db = `shared-${Date.now()}`
    const a = indexedDBEngine({ database: db, store: 'a' })
    await a.setItem('x', '1')
    a.close()
    const b = indexedDBEngine({ database: db, store: 'b' })
    await b.setItem('y', '2')
    expect(await b.getItem('y')).toBe('2')
    b.close()
  })

  it('three engines opening one new database for three stores: every engine works, also on retry', async () => {
    const database = `three-${Date.now()}`
    const engines = ['a', 'b', 'c'].map((store) => indexedDBEngine({ database, store }))
    const settled = (ps: Promise<unknown>[]) =>
      Promise.allSettled(ps).then((rs) =>
        rs.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      )
    expect(await settled(engines.map((e, i) => e.setItem('k', `v${i}`)))).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    // again: no engine keeps a handle to a database without its store
    expect(await settled(engines.map((e, i) => e.setItem('k', `w${i}`)))).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    expect(await settled(engines.map((e) => e.getItem('k')))).toEqual(['w0', 'w1', 'w2'])
    expect(await settled(engines.map((e) => e.keys('')))).toEqual([['k'], ['k'], ['k']])
    for (const e of engines) e.close()
  })

  it('five engines on one existing database, each adding its store in the same tick, all work', async () => {
    const database = `five-${Date.now()}`
    const first = indexedDBEngine({ database, store: 'first' })
    await first.setItem('k', 'kept')
    const engines = ['a', 'b', 'c', 'd', 'e'].map((store) => indexedDBEngine({ database, store }))
    await Promise.all(engines.map((e, i) => e.setItem('k', `v${i}`)))
    expect(await Promise.all(engines.map((e) => e.getItem('k')))).toEqual(['v0', 'v1', 'v2', 'v3', 'v4'])
    // the engine whose connection was closed by the upgrades reopens and still sees its data
    expect(await first.getItem('k')).toBe('kept')
    await first.setItem('k', 'again')
    expect(await first.getItem('k')).toBe('again')
    for (const e of [first, ...engines]) e.close()
  })

  it('tells another engine instance (another tab) about writes over BroadcastChannel', async () => {
    const db = `bc-${Date.now()}`
    const a = indexedDBEngine({ database: db })
    const b = indexedDBEngine({ database: db })
    const seen = new Promise<string | null>((resolve) => b.watch?.((c) => resolve(c.key)))
    const own: (string | null)[] = []
    a.watch?.((c) => own.push(c.key))
    await a.setItem('k', 'v')
    expect(await seen).toBe('k')
    expect(own).toEqual([])
    a.close()
    b.close()
  })
  for (const n of [8, 12, 16, 24, 40])
    it(`${n} engines opening one new database, each for its own store, all work`, async () => {
      const database = `many-${n}-${Math.random()}`
      const engines = Array.from({ length: n }, (_, i) => indexedDBEngine({ database, store: `s${i}` }))
      const rs = await Promise.allSettled(engines.map((e, i) => e.setItem('k', `v${i}`)))
      expect(rs.filter((r) => r.status === 'rejected')).toEqual([])
      expect(await Promise.all(engines.map((e) => e.getItem('k')))).toEqual(engines.map((_, i) => `v${i}`))
      for (const e of engines) e.close()
    })
  it('a database that never gets the store (no progress) still fails with NotFoundError', async () => {
    let opens = 0
    // every open "succeeds" at the same version, without the store
    const factory = {
      open() {
        opens++
        const db = { version: 3, objectStoreNames: { contains: () => false }, close() {} }
        const req = { result: db } as unknown as IDBOpenDBRequest
        setTimeout(() => req.onsuccess?.(new Event('success')))
        return req
      },
    } as unknown as IDBFactory
    const e = indexedDBEngine({ database: 'stuck', factory, broadcast: false })
    await expect(e.setItem('k', 'v')).rejects.toMatchObject({ name: 'NotFoundError' })
    expect(opens).toBeLessThan(10)
  })
})
