import { describe, expect, it } from 'vitest'
import { computed } from './computed.js'
import { listenKeys, map } from './map.js'

describe('map', () => {
  it('sets and deletes keys, storing a new object each time', () => {
    const m = map<{ name: string; email?: string }>({ name: 'Ada' })
    const first = m.get()
    m.setKey('email', 'ada@example.com')
    expect(m.get()).toEqual({ name: 'Ada', email: 'ada@example.com' })
    expect(m.get()).not.toBe(first)
    m.setKey('email', undefined)
    expect(m.get()).toEqual({ name: 'Ada' })
    expect('email' in m.get()).toBe(false)
  })

  it('does not notify when a key is set to its current value', () => {
    const m = map({ a: 1 })
    const seen: unknown[] = []
    m.listen((v) => seen.push(v))
    m.setKey('a', 1)
    m.setKey('a', 2)
    expect(seen).toEqual([{ a: 2 }])
  })

  it('works as a dependency of computeds', () => {
    const m = map({ first: 'Ada', last: 'Lovelace' })
    const full = computed(() => `${m.get().first} ${m.get().last}`)
    m.setKey('first', 'Augusta')
    expect(full.get()).toBe('Augusta Lovelace')
  })

  it('listenKeys fires only for the listed keys, with the changed key', () => {
    const m = map<{ a: number; b: number; c?: number }>({ a: 1, b: 1 })
    const seen: string[] = []
    const off = listenKeys(m, ['a', 'c'], (value, old, key) =>
      seen.push(`${String(key)}:${old[key]}->${value[key]}`),
    )
    m.setKey('b', 2)
    m.setKey('a', 2)
    m.setKey('c', 3)
    m.set({ a: 5, b: 0 })
    off()
    m.setKey('a', 9)
    expect(seen).toEqual(['a:1->2', 'c:undefined->3', 'a:2->5'])
  })
})
