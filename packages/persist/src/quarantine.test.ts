import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { asAsync } from './engines/as-async.js'
import { indexedDBEngine } from './engines/indexeddb.js'
import { MemoryArea, memoryEngine } from './engines/memory.js'
import { persistent } from './persistent.js'
import { persistentMap } from './persistent-map.js'
import { quarantine } from './quarantine.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('quarantine', () => {
  it('two damaged values quarantined in the same millisecond are both kept', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000)
    const area = new MemoryArea()
    const other = memoryEngine({ area })
    other.setItem('k', '{first damaged')
    const s = persistent(0, 'k', { engine: memoryEngine({ area }) })
    // Another tab overwrites the key: the quarantine copy is now the only copy of the first.
    other.setItem('k', '{second damaged')
    const kept = [...area.data.values()]
    expect(kept).toContain('{first damaged')
    expect(kept).toContain('{second damaged')
    expect(s.errors.get()).toHaveLength(2)
    const [a, b] = s.errors.get().map((e) => e.quarantineKey)
    expect(a).not.toBe(b)
    expect(b).toMatch(/^k\.quarantine\.\d+$/)
  })

  it('never overwrites a copy another tab made at the same time under the same name', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000)
    const engine = memoryEngine()
    engine.setItem('k.quarantine.1900000000000', 'from another tab')
    const qk = quarantine(engine, 'k', '{mine') as string
    expect(qk).toBe('k.quarantine.1900000000001')
    expect(engine.getItem('k.quarantine.1900000000000')).toBe('from another tab')
    expect(engine.getItem(qk)).toBe('{mine')
  })

  it('reloading with an untouched damaged value does not pile up copies of it', () => {
    const engine = memoryEngine()
    engine.setItem('k', '{damaged')
    let t = 1_700_000_000_000
    vi.spyOn(Date, 'now').mockImplementation(() => ++t)
    const where = new Set<string | undefined>()
    for (let i = 0; i < 5; i++) where.add(persistent(0, 'k', { engine }).errors.get()[0]?.quarantineKey) // five page loads
    expect(engine.keys('k.quarantine.')).toHaveLength(1)
    // every load still names the copy that holds the damaged text
    expect([...where]).toEqual(engine.keys('k.quarantine.'))
    expect(engine.getItem(engine.keys('k.quarantine.')[0] as string)).toBe('{damaged')
  })

  it('a different damaged value of the same key gets its own copy', () => {
    const engine = memoryEngine()
    engine.setItem('k', '{damaged')
    persistent(0, 'k', { engine })
    engine.setItem('k', '{damaged differently')
    persistent(0, 'k', { engine })
    const copies = engine.keys('k.quarantine.').map((q) => engine.getItem(q))
    expect(copies.sort()).toEqual(['{damaged', '{damaged differently'])
  })

  it('deduplicates on async engines and per persistentMap entry too', async () => {
    let t = 1_700_000_000_000
    vi.spyOn(Date, 'now').mockImplementation(() => (t += 5))
    const engine = asAsync(memoryEngine())
    await engine.setItem('p:a', '{bad')
    for (let i = 0; i < 3; i++) {
      const m = persistentMap<Record<string, number>>({}, 'p:', { engine })
      await m.ready
      expect(m.errors.get()[0]?.quarantineKey).toMatch(/^p:a\.quarantine\.\d+$/)
    }
    expect(await engine.keys('p:a.quarantine.')).toHaveLength(1)
  })

  it('concurrent quarantines on one IndexedDB in one millisecond keep every value', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000)
    const engine = indexedDBEngine({ database: `quarantine-${Math.random()}` })
    const keys = await Promise.all([quarantine(engine, 'k', 'one'), quarantine(engine, 'k', 'two')])
    expect(new Set(keys).size).toBe(2)
    expect(await Promise.all(keys.map((q) => engine.getItem(q)))).toEqual(['one', 'two'])
    engine.close()
  })
})
