import { describe, expect, it } from 'vitest'
import { computed } from './computed.js'
import { CycleError } from './errors.js'
import { signal } from './signal.js'
import type { Computed } from './types.js'

describe('CycleError', () => {
  it('names every node of a cycle', () => {
    const a: Computed<number> = computed(() => c.get() + 1, { name: 'a' })
    const b = computed(() => a.get() + 1, { name: 'b' })
    const c: Computed<number> = computed(() => b.get() + 1, { name: 'c' })
    let caught: unknown
    try {
      a.get()
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(CycleError)
    const err = caught as CycleError
    expect(err.code).toBe('CYCLE')
    expect(err.nodes).toEqual(['a', 'c', 'b', 'a'])
    expect(err.message).toBe('Cycle detected: a -> c -> b -> a')
  })

  it('does not corrupt the graph: a conditional cycle recovers', () => {
    const loop = signal(true)
    const a: Computed<number> = computed(() => (loop.get() ? b.get() : 1), { name: 'a' })
    const b = computed(() => a.get() * 2, { name: 'b' })
    expect(() => b.get()).toThrow(CycleError)
    loop.set(false)
    expect(b.get()).toBe(2)
    expect(a.get()).toBe(1)
  })

  it('names unnamed nodes generically', () => {
    const self: Computed<number> = computed(() => self.get())
    expect(() => self.get()).toThrow('Cycle detected: computed -> computed')
  })
})
