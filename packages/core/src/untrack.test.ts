import { describe, expect, it } from 'vitest'
import { computed } from './computed.js'
import { effect } from './effect.js'
import { signal } from './signal.js'
import { untrack } from './untrack.js'

describe('untrack', () => {
  it('reads without creating a dependency', () => {
    const a = signal(1)
    const b = signal(1)
    let runs = 0
    effect(() => {
      a.get()
      untrack(() => b.get())
      runs++
    })
    b.set(2)
    expect(runs).toBe(1)
    a.set(2)
    expect(runs).toBe(2)
  })

  it('peek is an untracked read that still refreshes a computed', () => {
    const a = signal(1)
    const c = computed(() => a.get() + 1)
    let runs = 0
    effect(() => {
      c.peek()
      runs++
    })
    a.set(5)
    expect(runs).toBe(1)
    expect(c.peek()).toBe(6)
  })
})
