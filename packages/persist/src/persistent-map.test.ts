import { map } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { failingReads, flakyEngine, gatedEngine } from '../test/doubles.js'
import { asAsync } from './engines/as-async.js'
import { MemoryArea, memoryEngine } from './engines/memory.js'
import type { SyncEngine } from './engines/types.js'
import { DecodeError, SchemaError, VersionError, WriteError } from './errors.js'
import { flushAllPending } from './lifecycle.js'
import { persistentMap } from './persistent-map.js'

type Panel = { x: number; open: boolean }
const env = (v: number, d: unknown) => JSON.stringify({ v, d })
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(cond()).toBe(true)
}

describe('persistentMap: one storage entry per key', () => {
  it('setKey writes only that entry; undefined removes it', () => {
    const engine = flakyEngine()
    const panels = persistentMap<Record<string, Panel>>({}, 'panels:', { engine })
    panels.setKey('chat', { x: 1, open: true })
    panels.setKey('log', { x: 2, open: false })
    expect(engine.writes).toEqual(['panels:chat', 'panels:log'])
    expect(engine.getItem('panels:chat')).toBe(env(0, { x: 1, open: true }))
    panels.setKey('chat', undefined)
    expect(engine.getItem('panels:chat')).toBeNull()
    expect(panels.get()).toEqual({ log: { x: 2, open: false } })
  })

  it('hydrates synchronously from every entry, over the initial object', () => {
    const engine = memoryEngine()
    engine.setItem('p:a', env(0, 1))
    engine.setItem('p:b', env(0, 2))
    engine.setItem('other', env(0, 3))
    const m = persistentMap<Record<string, number>>({ c: 0 }, 'p:', { engine })
    expect(m.get()).toEqual({ a: 1, b: 2, c: 0 })
    expect(m.hydration.get()).toBe('ready')
  })

  it('a whole-object set() writes changed entries and removes dropped ones', () => {
    const engine = memoryEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine })
    m.set({ a: 1, b: 2 })
    m.set({ b: 3 })
    expect(engine.keys('p:').sort()).toEqual(['p:b'])
    expect(engine.getItem('p:b')).toBe(env(0, 3))
  })

  it('persists an existing map store in place', () => {
    const engine = memoryEngine()
    const store = map<{ name?: string }>({})
    const p = persistentMap(store, 'profile:', { engine })
    expect(p).toBe(store)
    store.setKey('name', 'Ada')
    expect(engine.getItem('profile:name')).toBe(env(0, 'Ada'))
  })

  it('a damaged entry is quarantined alone; the other entries load', () => {
    const engine = memoryEngine()
    engine.setItem('p:good', env(0, { x: 1, open: true }))
    engine.setItem('p:bad', '{{')
    engine.setItem('p:wrong', env(0, { x: 'nope' }))
    const m = persistentMap<Record<string, Panel>>({}, 'p:', {
      engine,
      entrySchema: z.object({ x: z.number(), open: z.boolean() }),
    })
    expect(m.get()).toEqual({ good: { x: 1, open: true } })
    const errors = m.errors.get()
    expect(errors.map((e) => e.constructor)).toEqual(expect.arrayContaining([DecodeError, SchemaError]))
    const bad = errors.find((e) => e.key === 'p:bad')
    expect(engine.getItem(bad?.quarantineKey as string)).toBe('{{')
    expect(m.hydration.get()).toBe('error')
  })

  it('an entry from a newer version is kept and never overwritten', async () => {
    const engine = memoryEngine()
    engine.setItem('p:a', env(3, 'future'))
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine, version: 1 })
    expect(m.errors.get()[0]).toBeInstanceOf(VersionError)
    m.setKey('a', 'mine')
    m.setKey('b', 'fine')
    await m.flush()
    expect(engine.getItem('p:a')).toBe(env(3, 'future'))
    expect(engine.getItem('p:b')).toBe(env(1, 'fine'))
  })

  it('migrates each entry', () => {
    const engine = memoryEngine()
    engine.setItem('p:a', env(0, 5))
    const m = persistentMap<Record<string, number>>({}, 'p:', {
      engine,
      version: 1,
      migrate: { 1: (n) => (n as number) * 10 },
    })
    expect(m.get()).toEqual({ a: 50 })
  })

  it('a failed write keeps the value in memory and retries on flush', async () => {
    const engine = flakyEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine })
    engine.failWrites = new DOMException('full', 'QuotaExceededError')
    m.setKey('a', 1)
    expect(m.get()).toEqual({ a: 1 })
    expect(m.errors.get()[0]).toBeInstanceOf(WriteError)
    engine.failWrites = null
    await m.flush()
    expect(engine.getItem('p:a')).toBe(env(0, 1))
  })

  it('a failed write is retried at the last chance (page hide, process exit)', () => {
    const engine = flakyEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine })
    engine.failWrites = new Error('EIO')
    m.setKey('a', 1)
    engine.failWrites = null
    flushAllPending()
    expect(engine.getItem('p:a')).toBe(env(0, 1))
  })

  it('an entry whose write fails again at page hide is retried at the next hide', () => {
    const engine = flakyEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine })
    engine.failWrites = new Error('EIO')
    m.setKey('a', 1)
    flushAllPending() // the page hides while storage still fails
    expect(m.errors.get().map((e) => e.code)).toEqual(['E_WRITE', 'E_WRITE'])
    expect(engine.getItem('p:a')).toBe(null)
    engine.failWrites = null
    flushAllPending()
    expect(engine.getItem('p:a')).toBe(env(0, 1))
  })

  it('flush() rejects with the WriteError of an entry its retry could not store', async () => {
    const engine = flakyEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine })
    engine.failWrites = new Error('EIO')
    m.setKey('a', 1)
    const err = await m.flush().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WriteError)
    expect((err as WriteError).key).toBe('p:a')
    expect(m.get()).toEqual({ a: 1 })
    engine.failWrites = null
    await m.flush()
    expect(engine.getItem('p:a')).toBe(env(0, 1))
  })

  it('async: entries set during hydration win; the others load', async () => {
    const area = new MemoryArea()
    const engine = gatedEngine(area)
    area.data.set('p:a', env(0, 'stored a'))
    area.data.set('p:b', env(0, 'stored b'))
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine })
    expect(m.hydration.get()).toBe('hydrating')
    m.setKey('a', 'typed')
    engine.release()
    await m.ready
    expect(m.get()).toEqual({ a: 'typed', b: 'stored b' })
    await m.flush()
    expect(area.data.get('p:a')).toBe(env(0, 'typed'))
  })

  it('cross-tab: per-key changes, removals and clear() arrive; no echo', () => {
    const area = new MemoryArea()
    const ea = flakyEngine(area)
    const eb = flakyEngine(area)
    const a = persistentMap<Record<string, number>>({}, 'cart:', { engine: ea })
    const b = persistentMap<Record<string, number>>({}, 'cart:', { engine: eb })
    a.setKey('apple', 2)
    expect(b.get()).toEqual({ apple: 2 })
    expect(eb.writes).toEqual([])
    a.setKey('apple', undefined)
    expect(b.get()).toEqual({})
    b.setKey('pear', 1)
    expect(a.get()).toEqual({ pear: 1 })
    area.clear()
    expect(a.get()).toEqual({})
    expect(b.get()).toEqual({})
  })

  it("another tab's steady writes to other entries do not hold back a debounced entry", async () => {
    const area = new MemoryArea()
    const a = persistentMap<Record<string, number>>({}, 'cart:', { engine: flakyEngine(area), debounce: 50 })
    const b = persistentMap<Record<string, number>>({}, 'cart:', { engine: flakyEngine(area) })
    a.setKey('apple', 1) // due at 50 ms
    for (let t = 1; t <= 8; t++) {
      await new Promise((r) => setTimeout(r, 20))
      b.setKey('pear', t) // each of these reloads 'pear' in a
    }
    expect(area.data.has('cart:apple')).toBe(true)
    expect(b.get()).toEqual({ apple: 1, pear: 8 })
  })

  it('debounced per-key writes are coalesced', async () => {
    const engine = flakyEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine, debounce: 60_000 })
    for (let i = 0; i < 50; i++) m.setKey(`k${i % 5}`, i)
    expect(engine.writes).toEqual([])
    await m.flush()
    expect(engine.writes.sort()).toEqual(['p:k0', 'p:k1', 'p:k2', 'p:k3', 'p:k4'])
  })

  it('clear() removes every entry and resets', async () => {
    const engine = memoryEngine()
    const m = persistentMap<Record<string, number>>({ z: 0 }, 'p:', { engine })
    m.setKey('a', 1)
    await m.clear()
    expect(engine.keys('p:')).toEqual([])
    expect(m.get()).toEqual({ z: 0 })
  })

  it('a setKey right after a clear() that was not awaited survives in memory and storage', async () => {
    const engine = memoryEngine()
    const m = persistentMap<Record<string, number>>({ keep: 0 }, 'p:', { engine })
    m.setKey('a', 1)
    m.setKey('b', 1)
    const done = m.clear()
    m.setKey('a', 2)
    await done
    await m.flush()
    expect(m.get()).toEqual({ keep: 0, a: 2 })
    expect(engine.getItem('p:a')).toBe(env(0, 2))
    expect(engine.getItem('p:b')).toBeNull()
  })

  it('an entry write failing after clear() began does not bring the entry back', async () => {
    const inner = memoryEngine()
    const async = asAsync(inner)
    let refuse: ((e: Error) => void) | undefined
    const engine = {
      ...async,
      // the first write hangs until refused; later ones are stored
      setItem: (k: string, v: string) =>
        refuse === undefined
          ? new Promise<void>((_, reject) => {
              refuse = reject
            })
          : async.setItem(k, v),
    }
    const m = persistentMap<Record<string, number>>({ a: 0 }, 'p:', { engine })
    await m.ready
    m.setKey('a', 1) // the write is in flight
    const cleared = m.clear()
    refuse?.(new Error('quota')) // ...and fails while clear() waits for it
    await cleared
    expect(m.get()).toEqual({ a: 0 })
    await m.flush() // nothing is left to save
    flushAllPending()
    flushAllPending()
    await Promise.resolve()
    expect(inner.keys('p:')).toEqual([])
    expect(m.errors.get()[0]).toBeInstanceOf(WriteError) // the failure itself is still reported
  })

  it('dispose() flushes a change queued behind an async write in flight', async () => {
    const inner = memoryEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine: asAsync(inner) })
    await m.ready
    m.setKey('a', 1)
    m.setKey('a', 2)
    m.dispose()
    await until(() => inner.getItem('p:a') === env(0, 2))
  })

  it('dispose() during async hydration still writes a change made before it', async () => {
    const inner = memoryEngine()
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine: asAsync(inner) })
    m.setKey('a', 5)
    m.dispose()
    await until(() => inner.getItem('p:a') === env(0, 5))
  })

  it('after a newer-version entry is removed elsewhere, edits to it are written', async () => {
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    other.setItem('p:a', env(5, 'future'))
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine: memoryEngine({ area }), version: 1 })
    expect(m.errors.get()[0]?.code).toBe('E_VERSION_NEWER')
    other.removeItem('p:a')
    m.setKey('a', 'edited')
    await m.flush()
    expect(area.data.get('p:a')).toBe(env(1, 'edited'))
  })

  it('rehydrate() after a read error keeps an entry edited meanwhile and writes it', async () => {
    const inner = memoryEngine()
    inner.setItem('p:a', env(0, 'stored a'))
    inner.setItem('p:b', env(0, 'stored b'))
    const engine = failingReads(inner)
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine })
    expect(m.errors.get()[0]?.code).toBe('E_READ')
    m.setKey('a', 'typed while unreadable')
    expect(inner.getItem('p:a')).toBe(env(0, 'stored a'))
    engine.failReads = false
    await m.rehydrate()
    await m.flush()
    expect(m.get()).toEqual({ a: 'typed while unreadable', b: 'stored b' })
    expect(inner.getItem('p:a')).toBe(env(0, 'typed while unreadable'))
  })

  it('an entrySchema that throws on an entry quarantines that entry; the others load', () => {
    const engine = memoryEngine()
    engine.setItem('p:a', env(0, 'bad'))
    engine.setItem('p:b', env(0, 2))
    const entrySchema = {
      '~standard': {
        version: 1 as const,
        vendor: 'x',
        validate: (v: unknown) => {
          if (typeof v !== 'number') throw new TypeError('not a number')
          return { value: v }
        },
      },
    }
    const m = persistentMap<Record<string, number>>({}, 'p:', { engine, entrySchema })
    expect(m.get()).toEqual({ b: 2 })
    const err = m.errors.get()[0] as SchemaError
    expect(err).toBeInstanceOf(SchemaError)
    expect(err.key).toBe('p:a')
    expect(engine.getItem(err.quarantineKey as string)).toBe(env(0, 'bad'))
  })

  it('an engine without watch: an entry another process wrote is overwritten when set back', () => {
    const area = new MemoryArea()
    const unwatched = (): SyncEngine => {
      const { watch: _, ...engine } = memoryEngine({ area })
      return engine
    }
    const a = persistentMap<Record<string, { n: number }>>({}, 'p:', { engine: unwatched() })
    a.setKey('x', { n: 1 })
    const b = persistentMap<Record<string, { n: number }>>({}, 'p:', { engine: unwatched() })
    b.setKey('x', { n: 2 })
    a.setKey('x', { n: 1 })
    expect(area.data.get('p:x')).toBe(env(0, { n: 1 }))
  })
  it('a failed external read, then the entry returns to the text last read: edits are written', async () => {
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    other.setItem('p:a', env(0, 'light'))
    const mine = memoryEngine({ area })
    const engine = failingReads(mine, false)
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine })
    engine.failReads = true
    other.setItem('p:a', env(0, 'dark'))
    expect(m.errors.get()[0]?.code).toBe('E_READ')
    engine.failReads = false
    other.setItem('p:a', env(0, 'light'))
    expect(m.get()).toEqual({ a: 'light' })
    m.setKey('a', 'mine')
    await m.flush()
    expect(area.data.get('p:a')).toBe(env(0, 'mine'))
  })

  it('a failed one-entry reload, then a successful one: the status is ready again', () => {
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    const engine = failingReads(memoryEngine({ area }), false)
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine })
    expect(m.hydration.get()).toBe('ready')
    engine.failReads = true
    other.setItem('p:a', env(0, 'dark'))
    expect(m.errors.get()[0]?.code).toBe('E_READ')
    expect(m.hydration.get()).toBe('error')
    engine.failReads = false
    other.setItem('p:a', env(0, 'light'))
    expect(m.get()).toEqual({ a: 'light' })
    expect(m.hydration.get()).toBe('ready')
  })

  it('a one-entry reload that succeeds keeps the error status while another entry holds its writes', () => {
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    other.setItem('p:new', env(2, 'future'))
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine: memoryEngine({ area }), version: 1 })
    expect(m.hydration.get()).toBe('error')
    other.setItem('p:a', env(1, 'light'))
    expect(m.get()).toEqual({ a: 'light' })
    expect(m.hydration.get()).toBe('error')
    other.removeItem('p:new')
    expect(m.hydration.get()).toBe('ready')
  })

  it('when listing the entries fails (E_READ), an edit does not overwrite the unread stored entry', async () => {
    const inner = memoryEngine()
    inner.setItem('p:chat', env(0, { x: 10, notes: 'long user text' }))
    const engine: SyncEngine = {
      ...inner,
      keys() {
        throw new Error('EIO')
      },
    }
    const m = persistentMap<Record<string, { x: number; notes?: string }>>({}, 'p:', { engine })
    expect(m.errors.get()[0]?.code).toBe('E_READ')
    m.setKey('chat', { x: 0 })
    await m.flush()
    expect(inner.getItem('p:chat')).toBe(env(0, { x: 10, notes: 'long user text' }))
    expect(m.get()).toEqual({ chat: { x: 0 } }) // the edit stays in memory
  })

  it('after a failed listing, rehydrate() loads the entries and the held edits win', async () => {
    const inner = asAsync(memoryEngine())
    await inner.setItem('p:a', env(0, 'stored a'))
    await inner.setItem('p:b', env(0, 'stored b'))
    let failList = true
    const engine = {
      ...inner,
      keys: async (prefix: string) => {
        if (failList) throw new Error('EIO')
        return inner.keys(prefix)
      },
      entries: async (prefix: string) => {
        if (failList) throw new Error('EIO')
        const keys = await inner.keys(prefix)
        return Promise.all(
          keys.map(async (k): Promise<[string, string]> => [k, (await inner.getItem(k)) ?? '']),
        )
      },
    }
    const m = persistentMap<Record<string, string>>({}, 'p:', { engine })
    await m.ready
    expect(m.hydration.get()).toBe('error')
    expect(m.errors.get()[0]?.code).toBe('E_READ')
    m.setKey('a', 'typed while unlisted')
    m.setKey('c', 'new entry')
    await m.flush()
    expect(await inner.getItem('p:a')).toBe(env(0, 'stored a'))
    expect(await inner.getItem('p:c')).toBeNull()
    failList = false
    await m.rehydrate()
    await m.flush()
    expect(m.hydration.get()).toBe('ready')
    expect(m.get()).toEqual({ a: 'typed while unlisted', b: 'stored b', c: 'new entry' })
    expect(await inner.getItem('p:a')).toBe(env(0, 'typed while unlisted'))
    expect(await inner.getItem('p:c')).toBe(env(0, 'new entry'))
  })
})
