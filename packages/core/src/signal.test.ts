import { describe, expect, it } from 'vitest'
import { effect } from './effect.js'
import { signal } from './signal.js'

describe('signal', () => {
  it('holds, sets and updates a value', () => {
    const s = signal(1)
    expect(s.get()).toBe(1)
    s.set(2)
    expect(s.peek()).toBe(2)
    s.update((v) => v * 10)
    expect(s.get()).toBe(20)
  })

  it('notifies only when the value differs (===)', () => {
    const s = signal('a')
    const seen: string[] = []
    effect(() => {
      seen.push(s.get())
    })
    s.set('a')
    s.set('b')
    s.set('b')
    expect(seen).toEqual(['a', 'b'])
  })

  it('uses a custom equals', () => {
    const s = signal({ id: 1, label: 'x' }, { equals: (a, b) => a.id === b.id })
    const seen: string[] = []
    s.subscribe((v) => seen.push(v.label))
    s.set({ id: 1, label: 'y' })
    expect(s.get().label).toBe('x')
    s.set({ id: 2, label: 'z' })
    expect(seen).toEqual(['x', 'z'])
  })

  it('subscribe calls at once and on change; the unsubscriber stops it', () => {
    const s = signal(0)
    const seen: number[] = []
    const off = s.subscribe((v) => seen.push(v))
    s.set(1)
    off()
    s.set(2)
    expect(seen).toEqual([0, 1])
  })

  it('listen calls on changes only, with the old value', () => {
    const s = signal(0)
    const seen: [number, number][] = []
    const off = s.listen((v, old) => seen.push([v, old]))
    s.set(1)
    s.set(5)
    off()
    s.set(7)
    expect(seen).toEqual([
      [1, 0],
      [5, 1],
    ])
  })

  it('listeners do not track what they read', () => {
    const a = signal(0)
    const b = signal(0)
    let calls = 0
    a.subscribe(() => {
      b.get()
      calls++
    })
    b.set(1)
    expect(calls).toBe(1)
    a.set(1)
    expect(calls).toBe(2)
  })

  it('keeps the last write with a custom equals even with nobody watching (no lazy commit outside a batch)', () => {
    const byId = (a: { id: number }, b: { id: number }) => a.id === b.id
    const s = signal({ id: 1, label: 'x' }, { equals: byId })
    s.set({ id: 2, label: 'tmp' })
    s.set({ id: 1, label: 'y' })
    expect(s.peek().label).toBe('y')
  })
})
