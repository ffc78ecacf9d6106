import { describe, expect, it } from 'vitest'
import { MemoryArea, memoryEngine } from './memory.js'

describe('memoryEngine', () => {
  it('stores, lists by prefix and removes', () => {
    const e = memoryEngine()
    e.setItem('a:1', 'x')
    e.setItem('a:2', 'y')
    e.setItem('b', 'z')
    expect(e.getItem('a:1')).toBe('x')
    expect(e.keys('a:').sort()).toEqual(['a:1', 'a:2'])
    e.removeItem('a:1')
    expect(e.getItem('a:1')).toBeNull()
  })

  it('tells other engines on the same area about writes, never the writer itself', () => {
    const area = new MemoryArea()
    const a = memoryEngine({ area })
    const b = memoryEngine({ area })
    const seenA: (string | null)[] = []
    const seenB: (string | null)[] = []
    a.watch?.((c) => seenA.push(c.key))
    b.watch?.((c) => seenB.push(c.key))
    a.setItem('k', '1')
    a.removeItem('k')
    area.clear()
    expect(seenA).toEqual([null])
    expect(seenB).toEqual(['k', 'k', null])
    expect(b.getItem('k')).toBeNull()
  })
})
