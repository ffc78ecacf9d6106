import { batch, computed, signal } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { failingReads, flakyEngine, gatedEngine } from '../test/doubles.js'
import { asAsync } from './engines/as-async.js'
import { MemoryArea, memoryEngine } from './engines/memory.js'
import type { SyncEngine } from './engines/types.js'
import {
  ConfigError,
  DecodeError,
  MigrationError,
  QuarantineError,
  SchemaError,
  VersionError,
  WriteError,
} from './errors.js'
import { flushAllPending } from './lifecycle.js'
import type { HydrationStatus } from './options.js'
import { persistent } from './persistent.js'

const envelope = (v: number, d: unknown) => JSON.stringify({ v, d })
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(cond()).toBe(true)
}

describe('persistent with a sync engine', () => {
  it('hydrates before the first read: no flash of the initial value', () => {
    const engine = memoryEngine()
    engine.setItem('theme', envelope(0, 'dark'))
    const seen: string[] = []
    const theme = persistent<'light' | 'dark'>('light', 'theme', { engine })
    theme.subscribe((v) => seen.push(v))
    expect(theme.get()).toBe('dark')
    expect(seen).toEqual(['dark'])
    expect(theme.hydration.get()).toBe('ready')
  })

  it('writes every change and a second store (a reload) reads it back', () => {
    const engine = memoryEngine()
    const a = persistent({ n: 1 }, 'obj', { engine })
    a.set({ n: 2 })
    expect(engine.getItem('obj')).toBe('{"v":0,"d":{"n":2}}')
    expect(persistent({ n: 0 }, 'obj', { engine }).get()).toEqual({ n: 2 })
  })

  it('does not write the initial value on creation', () => {
    const engine = memoryEngine()
    persistent(5, 'untouched', { engine })
    expect(engine.getItem('untouched')).toBeNull()
  })

  it('persists an existing signal in place and composes with computed', () => {
    const engine = memoryEngine()
    const count = signal(1)
    const p = persistent(count, 'count', { engine })
    const double = computed(() => p.get() * 2)
    expect(p).toBe(count)
    count.set(4)
    expect(double.get()).toBe(8)
    expect(engine.getItem('count')).toBe(envelope(0, 4))
  })

  it('rejects a bad key or version with a ConfigError', () => {
    expect(() => persistent(0, '', { engine: memoryEngine() })).toThrow(ConfigError)
    expect(() => persistent(0, 'k', { engine: memoryEngine(), version: 1.5 })).toThrow(ConfigError)
    expect(() => persistent(0, 'k', { engine: memoryEngine(), debounce: -1 })).toThrow(ConfigError)
  })

  it('partialize stores only part; the loaded part merges over the initial value', () => {
    const engine = memoryEngine()
    const initial = { theme: 'light', fontSize: 16, dragging: false }
    const a = persistent(initial, 'ui', { engine, partialize: ({ dragging: _, ...rest }) => rest })
    a.set({ theme: 'dark', fontSize: 18, dragging: true })
    expect(JSON.parse(engine.getItem('ui') as string).d).toEqual({ theme: 'dark', fontSize: 18 })
    const b = persistent(initial, 'ui', { engine, partialize: ({ dragging: _, ...rest }) => rest })
    expect(b.get()).toEqual({ theme: 'dark', fontSize: 18, dragging: false })
  })

  it('undefined round-trips as undefined (and null as null)', () => {
    const engine = memoryEngine()
    const s = persistent<string | null | undefined>('x', 'k', { engine })
    s.set(undefined)
    expect(persistent<string | null | undefined>('x', 'k', { engine }).get()).toBeUndefined()
    s.set(null)
    expect(persistent<string | null | undefined>('x', 'k', { engine }).get()).toBeNull()
  })

  it('custom encode/decode round-trip', () => {
    const engine = memoryEngine()
    const opts = {
      engine,
      encode: (d: Date) => d.toISOString(),
      decode: (s: string) => new Date(s),
    }
    const a = persistent(new Date(0), 'when', opts)
    a.set(new Date('2024-01-02T03:04:05.000Z'))
    const b = persistent(new Date(0), 'when', opts)
    expect(b.get()).toBeInstanceOf(Date)
    expect(b.get().toISOString()).toBe('2024-01-02T03:04:05.000Z')
  })

  it('clear() removes the stored value and resets to the initial value', async () => {
    const engine = memoryEngine()
    const a = persistent('x', 'c', { engine })
    a.set('y')
    await a.clear()
    expect(engine.getItem('c')).toBeNull()
    expect(a.get()).toBe('x')
  })

  it('a set() right after a clear() that was not awaited is kept in memory and storage alike', async () => {
    const engine = memoryEngine()
    const s = persistent('init', 'k', { engine })
    s.set('old')
    const done = s.clear()
    s.set('after clear')
    await done
    await s.flush()
    expect(s.get()).toBe('after clear')
    expect(engine.getItem('k')).toBe(envelope(0, 'after clear'))
    expect(persistent('init', 'k', { engine }).get()).toBe('after clear')
  })

  it('clear() with an async engine removes after a write in flight, and a later set() lands after it', async () => {
    const inner = memoryEngine()
    const s = persistent('init', 'k', { engine: asAsync(inner) })
    await s.ready
    s.set('in flight')
    const done = s.clear()
    s.set('after clear')
    await done
    await s.flush()
    expect(s.get()).toBe('after clear')
    expect(inner.getItem('k')).toBe(envelope(0, 'after clear'))
  })

  it('dispose() stops persisting', () => {
    const engine = memoryEngine()
    const a = persistent(1, 'd', { engine })
    a.dispose()
    a.set(2)
    expect(engine.getItem('d')).toBeNull()
    expect(a.hydration.get()).toBe('idle')
  })
})

describe('setting a value back is written', () => {
  it('a stored value equal to the initial value: toggling away and back is persisted', () => {
    const engine = memoryEngine()
    engine.setItem('theme', envelope(0, 'light'))
    const theme = persistent<'light' | 'dark'>('light', 'theme', { engine })
    theme.set('dark')
    expect(engine.getItem('theme')).toBe(envelope(0, 'dark'))
    theme.set('light')
    expect(engine.getItem('theme')).toBe(envelope(0, 'light'))
    // a reload shows what the user sees now
    expect(persistent<'light' | 'dark'>('light', 'theme', { engine }).get()).toBe('light')
  })

  it('clear() while the value is already initial, then away and back is persisted', async () => {
    const engine = memoryEngine()
    const theme = persistent<'light' | 'dark'>('light', 'theme', { engine })
    await theme.clear()
    theme.set('dark')
    theme.set('light')
    expect(engine.getItem('theme')).toBe(envelope(0, 'light'))
  })

  it('a value from another tab applied inside a batch is not written back (its echo is recognised)', () => {
    const area = new MemoryArea()
    const engineB = flakyEngine(area)
    const b = persistent('initial', 'k', { engine: engineB })
    // spaced differently from what this tab would write: an echo taken for a change would rewrite it
    batch(() => memoryEngine({ area }).setItem('k', '{"v":0, "d":"from A"}'))
    expect(b.get()).toBe('from A')
    expect(engineB.writes).toEqual([])
    b.set('initial')
    expect(area.data.get('k')).toBe(envelope(0, 'initial'))
  })
})

describe('versions and migrations', () => {
  it('runs a migrate function and rewrites the value in the new version', async () => {
    const engine = memoryEngine()
    engine.setItem('s', envelope(0, { dark: true }))
    const s = persistent({ theme: 'light' }, 's', {
      engine,
      version: 1,
      migrate: (old, from) =>
        from === 0 ? { theme: (old as { dark: boolean }).dark ? 'dark' : 'light' } : old,
    })
    expect(s.get()).toEqual({ theme: 'dark' })
    await s.flush()
    expect(engine.getItem('s')).toBe(envelope(1, { theme: 'dark' }))
  })

  it('runs a chain of steps in order', () => {
    const engine = memoryEngine()
    engine.setItem('n', envelope(1, 10))
    const n = persistent(0, 'n', {
      engine,
      version: 3,
      migrate: { 2: (x) => (x as number) + 1, 3: (x) => (x as number) * 2 },
    })
    expect(n.get()).toBe(22)
  })

  it('a missing step is a MigrationError; the raw value is quarantined', () => {
    const engine = memoryEngine()
    engine.setItem('n', envelope(0, 10))
    const errors: unknown[] = []
    const n = persistent(0, 'n', {
      engine,
      version: 2,
      migrate: { 2: (x) => x },
      onError: (e) => errors.push(e),
    })
    expect(n.get()).toBe(0)
    expect(errors[0]).toBeInstanceOf(MigrationError)
    const qk = (errors[0] as MigrationError).quarantineKey as string
    expect(engine.getItem(qk)).toBe(envelope(0, 10))
  })

  it('a stored version newer than the code: refuse to downgrade, report, keep stored data', async () => {
    const engine = memoryEngine()
    const stored = envelope(5, { shape: 'from the future' })
    engine.setItem('s', stored)
    const s = persistent({ shape: 'now' }, 's', { engine, version: 2 })
    expect(s.get()).toEqual({ shape: 'now' })
    expect(s.hydration.get()).toBe('error')
    const err = s.errors.get()[0]
    expect(err).toBeInstanceOf(VersionError)
    expect(err?.key).toBe('s')
    expect((err as VersionError).storedVersion).toBe(5)
    s.set({ shape: 'edited here' })
    await s.flush()
    expect(s.get()).toEqual({ shape: 'edited here' })
    expect(engine.getItem('s')).toBe(stored)
    expect(engine.keys('s.quarantine')).toEqual([])
  })
})

describe('writes held by a stored value this code must not overwrite', () => {
  it('after the newer-version value is removed elsewhere, later edits are persisted again', async () => {
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    other.setItem('s', envelope(5, 'future'))
    const s = persistent('now', 's', { engine: memoryEngine({ area }), version: 1 })
    expect(s.errors.get()[0]).toBeInstanceOf(VersionError)
    other.removeItem('s') // the newer tab cleared the key
    expect(s.get()).toBe('now')
    s.set('edited')
    await s.flush()
    expect(area.data.get('s')).toBe(envelope(1, 'edited'))
  })

  it('edits held by a newer-version value are kept and written once that value is removed elsewhere', async () => {
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    other.setItem('s', envelope(5, 'future'))
    const s = persistent('now', 's', { engine: memoryEngine({ area }), version: 1 })
    s.set('edited while held')
    expect(area.data.get('s')).toBe(envelope(5, 'future'))
    other.removeItem('s')
    await s.flush()
    expect(s.get()).toBe('edited while held')
    expect(area.data.get('s')).toBe(envelope(1, 'edited while held'))
  })

  it('rehydrate() after a transient read error keeps the edits made meanwhile and writes them', async () => {
    const inner = memoryEngine()
    inner.setItem('k', envelope(0, 'stored'))
    const engine = failingReads(inner)
    const s = persistent('initial', 'k', { engine })
    expect(s.errors.get()[0]?.code).toBe('E_READ')
    s.set('typed while storage was unreadable') // held: writes are blocked
    expect(inner.getItem('k')).toBe(envelope(0, 'stored'))
    engine.failReads = false
    await s.rehydrate() // what ReadError's docs say to do
    await s.flush()
    expect(s.get()).toBe('typed while storage was unreadable')
    expect(inner.getItem('k')).toBe(envelope(0, 'typed while storage was unreadable'))
  })

  it('rehydrate() after a read error without edits loads the stored value', async () => {
    const inner = memoryEngine()
    inner.setItem('k', envelope(0, 'stored'))
    const engine = failingReads(inner)
    const s = persistent('initial', 'k', { engine })
    engine.failReads = false
    await s.rehydrate()
    expect(s.get()).toBe('stored')
    expect(s.hydration.get()).toBe('ready')
  })

  it('rehydrate() still holds edits when the value read is from a newer version', async () => {
    const inner = memoryEngine()
    const future = envelope(9, 'future')
    inner.setItem('k', future)
    const engine = failingReads(inner)
    const s = persistent('initial', 'k', { engine, version: 1 })
    s.set('typed')
    engine.failReads = false
    await s.rehydrate()
    await s.flush()
    expect(s.get()).toBe('typed')
    expect(s.errors.get().at(-1)).toBeInstanceOf(VersionError)
    expect(inner.getItem('k')).toBe(future)
  })
})

describe('bad stored values are quarantined, never lost', () => {
  it('unparseable text: keeps the initial value, names key and reason, moves the raw text aside', () => {
    const engine = memoryEngine()
    engine.setItem('settings', '{not json')
    const s = persistent({ theme: 'light' }, 'settings', { engine })
    expect(s.get()).toEqual({ theme: 'light' })
    expect(s.hydration.get()).toBe('error')
    const err = s.errors.get()[0] as DecodeError
    expect(err).toBeInstanceOf(DecodeError)
    expect(err.code).toBe('E_DECODE')
    expect(err.key).toBe('settings')
    expect(err.message).toContain('settings')
    expect(err.quarantineKey).toMatch(/^settings\.quarantine\.\d+$/)
    expect(engine.getItem(err.quarantineKey as string)).toBe('{not json')
    // Writing afterwards is safe: the damaged text is kept aside.
    s.set({ theme: 'dark' })
    expect(engine.getItem('settings')).toBe(envelope(0, { theme: 'dark' }))
    expect(engine.getItem(err.quarantineKey as string)).toBe('{not json')
  })

  it('schema failure (Standard Schema via zod): SchemaError with the issue path, raw quarantined', () => {
    const engine = memoryEngine()
    const raw = envelope(0, { theme: 'purple', fontSize: 'big' })
    engine.setItem('settings', raw)
    const schema = z.object({ theme: z.enum(['light', 'dark']), fontSize: z.number() })
    const s = persistent({ theme: 'light' as 'light' | 'dark', fontSize: 16 }, 'settings', { engine, schema })
    expect(s.get()).toEqual({ theme: 'light', fontSize: 16 })
    const err = s.errors.get()[0] as SchemaError
    expect(err).toBeInstanceOf(SchemaError)
    expect(err.message).toMatch(/theme/)
    expect(err.issues.length).toBe(2)
    expect(engine.getItem(err.quarantineKey as string)).toBe(raw)
  })

  it('a custom merge throwing on bad stored data: SchemaError (not a read error), raw quarantined, writes not held', () => {
    const engine = memoryEngine()
    const raw = envelope(0, 42)
    engine.setItem('k', raw)
    const s = persistent({ a: 1 }, 'k', {
      engine,
      merge: (stored, current) => {
        if (typeof stored !== 'object') throw new TypeError('expected an object')
        return { ...current, ...(stored as object) }
      },
    })
    expect(s.get()).toEqual({ a: 1 })
    const err = s.errors.get()[0] as SchemaError
    expect(err).toBeInstanceOf(SchemaError)
    expect(err.message).toMatch(/expected an object/)
    expect(engine.getItem(err.quarantineKey as string)).toBe(raw)
    s.set({ a: 2 })
    expect(engine.getItem('k')).toBe(envelope(0, { a: 2 }))
  })

  it('a value that is valid JSON but not an envelope is a DecodeError too', () => {
    const engine = memoryEngine()
    engine.setItem('k', '"legacy plain string"')
    const s = persistent('init', 'k', { engine })
    expect(s.errors.get()[0]).toBeInstanceOf(DecodeError)
    expect(s.get()).toBe('init')
  })

  it('if the quarantine copy fails, the key is left untouched and writes are held', async () => {
    const engine = flakyEngine()
    engine.setItem('k', '{broken')
    engine.failWrites = new Error('disk on fire')
    const s = persistent(1, 'k', { engine })
    const codes = s.errors.get().map((e) => e.code)
    expect(codes).toEqual(['E_DECODE', 'E_QUARANTINE'])
    expect(s.errors.get()[1]).toBeInstanceOf(QuarantineError)
    engine.failWrites = null
    s.set(2)
    await s.flush()
    expect(engine.getItem('k')).toBe('{broken')
    expect(s.get()).toBe(2)
  })
})

describe('write failures', () => {
  it('quota exceeded: in-memory value stays, error reported, the next write retries', () => {
    const engine = flakyEngine()
    const s = persistent(0, 'q', { engine })
    engine.failWrites = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    s.set(1)
    expect(s.get()).toBe(1)
    const err = s.errors.get()[0] as WriteError
    expect(err).toBeInstanceOf(WriteError)
    expect(err.quota).toBe(true)
    expect(err.key).toBe('q')
    expect(engine.getItem('q')).toBeNull()
    engine.failWrites = null
    s.set(2)
    expect(engine.getItem('q')).toBe(envelope(0, 2))
  })

  it('flush() retries a failed write without a new change', async () => {
    const engine = flakyEngine()
    const s = persistent(0, 'q', { engine })
    engine.failWrites = new Error('EIO')
    s.set(7)
    engine.failWrites = null
    await s.flush()
    expect(engine.getItem('q')).toBe(envelope(0, 7))
  })

  it('a failed write (not debounced) is retried at the last chance (page hide, process exit)', () => {
    const engine = flakyEngine()
    const s = persistent(0, 'q', { engine })
    engine.failWrites = new Error('EIO')
    s.set(7)
    expect(s.errors.get()[0]).toBeInstanceOf(WriteError)
    engine.failWrites = null
    flushAllPending()
    expect(engine.getItem('q')).toBe(envelope(0, 7))
  })

  it('a write that fails again at page hide is retried at the next hide (not only once)', () => {
    const engine = flakyEngine()
    const s = persistent(0, 'q', { engine })
    engine.failWrites = new Error('EIO')
    s.set(7)
    flushAllPending() // the page hides while storage still fails
    expect(s.errors.get().map((e) => e.code)).toEqual(['E_WRITE', 'E_WRITE'])
    expect(engine.getItem('q')).toBe(null)
    engine.failWrites = null
    flushAllPending() // the page came back and hides again
    expect(engine.getItem('q')).toBe(envelope(0, 7))
  })

  it('an async engine: a write that fails again at page hide is retried at the next hide', async () => {
    const inner = memoryEngine()
    const async = asAsync(inner)
    let failing = true
    let attempts = 0
    const engine = {
      ...async,
      setItem: async (k: string, v: string) => {
        attempts++
        if (failing) throw new Error('EIO')
        return async.setItem(k, v)
      },
    }
    const s = persistent(0, 'q', { engine })
    await s.ready
    s.set(7)
    await until(() => s.errors.get().length === 1)
    flushAllPending() // the page hides while storage still fails
    await until(() => s.errors.get().length === 2)
    failing = false
    flushAllPending() // hidden again later
    await until(() => inner.getItem('q') === envelope(0, 7))
    expect(attempts).toBe(3)
  })

  it('a failed debounced write is retried at the last chance', async () => {
    const engine = flakyEngine()
    const s = persistent(0, 'q', { engine, debounce: 5 })
    engine.failWrites = new Error('EIO')
    s.set(7)
    await until(() => s.errors.get().length > 0)
    engine.failWrites = null
    flushAllPending()
    expect(engine.getItem('q')).toBe(envelope(0, 7))
  })

  it('flush() rejects with the WriteError when its retry fails too; the value stays in memory', async () => {
    const engine = flakyEngine()
    const s = persistent(0, 'q', { engine })
    engine.failWrites = new Error('EIO')
    s.set(7)
    const err = await s.flush().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WriteError)
    expect((err as WriteError).key).toBe('q')
    expect((err as WriteError).message).toMatch(/not saved/)
    expect(s.get()).toBe(7)
    expect(engine.getItem('q')).toBeNull()
    engine.failWrites = null
    await s.flush()
    expect(engine.getItem('q')).toBe(envelope(0, 7))
  })

  it('flush() rejects when an async write fails', async () => {
    const inner = memoryEngine()
    const engine = { ...asAsync(inner), setItem: async () => Promise.reject(new Error('closed')) }
    const s = persistent(0, 'q', { engine })
    await s.ready
    s.set(7)
    await expect(s.flush()).rejects.toBeInstanceOf(WriteError)
  })

  it("a debounced edit another tab overwrites before its timer fires takes that tab's later value", async () => {
    const area = new MemoryArea()
    const a = persistent('light', 'theme', { engine: memoryEngine({ area }), debounce: 20 })
    const b = persistent('light', 'theme', { engine: memoryEngine({ area }) })
    await Promise.all([a.ready, b.ready])
    a.set('dark') // waits for its timer
    b.set('blue') // written now: the later write, in real time
    await until(() => a.get() === 'blue')
    await new Promise((r) => setTimeout(r, 40))
    expect([a.get(), b.get()]).toEqual(['blue', 'blue'])
    expect(area.data.get('theme')).toBe(envelope(0, 'blue'))
  })

  it('a write failing after clear() began does not bring the cleared value back', async () => {
    const inner = memoryEngine()
    let refuse: (e: Error) => void = () => {}
    const engine = {
      ...asAsync(inner),
      setItem: () =>
        new Promise<void>((_, reject) => {
          refuse = reject
        }),
    }
    const s = persistent({ big: '' }, 'q', { engine })
    await s.ready
    s.set({ big: 'x'.repeat(10) }) // the write is in flight
    const cleared = s.clear()
    refuse(new Error('quota')) // ...and fails while clear() waits for it
    await cleared
    expect(s.get()).toEqual({ big: '' })
    await s.flush() // nothing is left to save: resolves
    flushAllPending()
    await Promise.resolve()
    expect(inner.getItem('q')).toBeNull()
    expect(s.errors.get()[0]).toBeInstanceOf(WriteError) // the failure itself is still reported
  })

  it('an unencodable value is a WriteError, not a crash', () => {
    const engine = memoryEngine()
    const s = persistent<{ self?: unknown }>({}, 'cyc', { engine })
    const cyclic: { self?: unknown } = {}
    cyclic.self = cyclic
    s.set(cyclic)
    expect(s.errors.get()[0]).toBeInstanceOf(WriteError)
    expect(s.get()).toBe(cyclic)
  })
})

describe('debounce', () => {
  it('coalesces writes and flush() writes at once', async () => {
    const engine = flakyEngine()
    const s = persistent(0, 'd', { engine, debounce: 60_000 })
    for (let i = 1; i <= 100; i++) s.set(i)
    expect(engine.writes).toEqual([])
    await s.flush()
    expect(engine.writes).toEqual(['d'])
    expect(engine.getItem('d')).toBe(envelope(0, 100))
  })

  it('the trailing timer writes the last value once', async () => {
    const engine = flakyEngine()
    const s = persistent(0, 'd', { engine, debounce: 5 })
    s.set(1)
    s.set(2)
    await until(() => engine.writes.length > 0)
    expect(engine.writes).toEqual(['d'])
    expect(engine.getItem('d')).toBe(envelope(0, 2))
  })

  it('flushAllPending() (what pagehide and process exit run) writes every pending store', () => {
    const engine = memoryEngine()
    const a = persistent(0, 'a', { engine, debounce: 60_000 })
    const b = persistent(0, 'b', { engine, debounce: 60_000 })
    a.set(1)
    b.set(2)
    flushAllPending()
    expect(engine.getItem('a')).toBe(envelope(0, 1))
    expect(engine.getItem('b')).toBe(envelope(0, 2))
  })
})

describe('async engines: hydration without races', () => {
  it('reports idle → hydrating → ready, and ready resolves', async () => {
    const engine = gatedEngine()
    await engine.setItem('k', envelope(0, 'stored'))
    const s = persistent('initial', 'k', { engine })
    const seen: HydrationStatus[] = []
    s.hydration.subscribe((h) => seen.push(h))
    expect(s.get()).toBe('initial')
    engine.release()
    await s.ready
    expect(s.get()).toBe('stored')
    expect(seen).toEqual(['hydrating', 'ready'])
  })

  it('a user write during hydration wins over the late stored value and is persisted (zustand#458)', async () => {
    const area = new MemoryArea()
    const engine = gatedEngine(area)
    await engine.setItem('k', envelope(0, 'old stored'))
    const s = persistent('initial', 'k', { engine })
    s.set('typed by the user')
    engine.release()
    await s.ready
    expect(s.get()).toBe('typed by the user')
    await s.flush()
    expect(area.data.get('k')).toBe(envelope(0, 'typed by the user'))
  })

  it('holds writes while hydrating, so a newer-version value is never overwritten by an early write', async () => {
    const area = new MemoryArea()
    const engine = gatedEngine(area)
    const future = envelope(9, 'future')
    await engine.setItem('k', future)
    const s = persistent('initial', 'k', { engine, version: 1 })
    s.set('early write')
    engine.release()
    await s.ready
    await s.flush()
    expect(s.get()).toBe('early write')
    expect(s.errors.get()[0]).toBeInstanceOf(VersionError)
    expect(area.data.get('k')).toBe(future)
  })
})

describe('dispose() keeps the changes made before it', () => {
  it('flushes a change queued behind an async write in flight', async () => {
    const inner = memoryEngine()
    const s = persistent(0, 'n', { engine: asAsync(inner) })
    await s.ready
    s.set(1)
    s.set(2)
    s.dispose()
    await until(() => inner.getItem('n') === envelope(0, 2))
  })

  it('writes a change made during async hydration once the hydration ends', async () => {
    const inner = memoryEngine()
    const s = persistent(0, 'n', { engine: asAsync(inner) })
    s.set(5)
    s.dispose()
    await until(() => inner.getItem('n') === envelope(0, 5))
  })

  it('writes a debounced change at once; later changes are not persisted', () => {
    const engine = memoryEngine()
    const s = persistent(0, 'n', { engine, debounce: 60_000 })
    s.set(1)
    s.dispose()
    expect(engine.getItem('n')).toBe(envelope(0, 1))
    s.set(2)
    expect(engine.getItem('n')).toBe(envelope(0, 1))
  })
})

describe('cross-tab', () => {
  it('a write in one tab is seen in the other; removal and clear reset to initial; no echo', () => {
    const area = new MemoryArea()
    const engineA = flakyEngine(area)
    const engineB = flakyEngine(area)
    const a = persistent<string[]>([], 'cart', { engine: engineA })
    const b = persistent<string[]>([], 'cart', { engine: engineB })
    a.set(['apple'])
    expect(b.get()).toEqual(['apple'])
    expect(engineB.writes).toEqual([])
    b.set(['apple', 'pear'])
    expect(a.get()).toEqual(['apple', 'pear'])
    expect(engineA.writes).toEqual(['cart'])
    engineA.removeItem('cart')
    expect(b.get()).toEqual([])
    a.set(['x'])
    area.clear()
    expect(b.get()).toEqual([])
    expect(a.get()).toEqual([])
  })

  it('a bad value written by another tab is quarantined, not applied', () => {
    const area = new MemoryArea()
    const b = persistent(1, 'n', { engine: memoryEngine({ area }) })
    memoryEngine({ area }).setItem('n', 'garbage')
    expect(b.get()).toBe(1)
    const err = b.errors.get()[0]
    expect(err).toBeInstanceOf(DecodeError)
    expect(area.data.get(err?.quarantineKey as string)).toBe('garbage')
  })

  it('an engine without watch: a value another process wrote is overwritten when the user sets it back', () => {
    const area = new MemoryArea()
    const unwatched = (): SyncEngine => {
      const { watch: _, ...engine } = memoryEngine({ area })
      return engine
    }
    const a = persistent({ n: 0 }, 'k', { engine: unwatched() })
    a.set({ n: 1 })
    const b = persistent({ n: 0 }, 'k', { engine: unwatched() })
    b.set({ n: 2 })
    a.set({ n: 1 }) // a new object with the same content as a's last write
    expect(area.data.get('k')).toBe(envelope(0, { n: 1 }))
  })

  it('crossTab: false: setting back a value another tab overwrote is written', () => {
    const area = new MemoryArea()
    const a = persistent({ n: 0 }, 'n', { engine: memoryEngine({ area }), crossTab: false })
    a.set({ n: 1 })
    memoryEngine({ area }).setItem('n', envelope(0, { n: 2 }))
    a.set({ n: 1 })
    expect(area.data.get('n')).toBe(envelope(0, { n: 1 }))
  })

  it('crossTab: false ignores other tabs', () => {
    const area = new MemoryArea()
    const a = persistent(0, 'n', { engine: memoryEngine({ area }) })
    const b = persistent(0, 'n', { engine: memoryEngine({ area }), crossTab: false })
    a.set(3)
    expect(b.get()).toBe(0)
  })
})
