import { describe, expect, it } from 'vitest'
import { batch } from './batch.js'
import { computed } from './computed.js'
import { effect } from './effect.js'
import { signal } from './signal.js'
import type { Computed, Signal } from './types.js'

describe('computed', () => {
  it('is lazy and cached', () => {
    const s = signal(1)
    let runs = 0
    const c = computed(() => {
      runs++
      return s.get() * 2
    })
    expect(runs).toBe(0)
    expect(c.get()).toBe(2)
    expect(c.get()).toBe(2)
    expect(runs).toBe(1)
    s.set(2)
    expect(runs).toBe(1)
    expect(c.peek()).toBe(4)
    expect(runs).toBe(2)
  })

  it('recomputes a diamond once and never shows an inconsistent state', () => {
    const s = signal(1)
    const left = computed(() => s.get() + 1)
    const right = computed(() => s.get() * 10)
    let runs = 0
    const bottom = computed(() => {
      runs++
      return `${left.get()}/${right.get()}`
    })
    const seen: string[] = []
    effect(() => {
      seen.push(bottom.get())
    })
    s.set(2)
    s.set(3)
    expect(seen).toEqual(['2/10', '3/20', '4/30'])
    expect(runs).toBe(3)
  })

  it('stops notifying a computed that no longer reads a signal (dynamic dependencies)', () => {
    const useA = signal(true)
    const a = signal('a')
    const b = signal('b')
    let runs = 0
    const c = computed(() => {
      runs++
      return useA.get() ? a.get() : b.get()
    })
    effect(() => {
      c.get()
    })
    expect(runs).toBe(1)
    useA.set(false)
    expect(runs).toBe(2)
    a.set('A')
    expect(runs).toBe(2)
    b.set('B')
    expect(runs).toBe(3)
    expect(c.get()).toBe('B')
  })

  it('does not notify downstream when the value is unchanged', () => {
    const s = signal(1)
    const parity = computed(() => s.get() % 2)
    let runs = 0
    effect(() => {
      parity.get()
      runs++
    })
    s.set(3)
    expect(runs).toBe(1)
    s.set(4)
    expect(runs).toBe(2)
  })

  it('keeps the old value with a custom equals', () => {
    const s = signal([1, 2])
    const c = computed(() => [...s.get()], { equals: (a, b) => a.join() === b.join() })
    const first = c.get()
    s.set([1, 2])
    expect(c.get()).toBe(first)
    s.set([3])
    expect(c.get()).toEqual([3])
  })

  it('passes the previous value', () => {
    const s = signal(1)
    const history = computed<number[]>((prev) => [...(prev ?? []), s.get()])
    history.get()
    s.set(2)
    expect(history.get()).toEqual([1, 2])
  })

  it('re-throws an error to its readers and recovers after the source changes', () => {
    const s = signal(0)
    const c = computed(() => {
      if (s.get() < 0) throw new RangeError('negative')
      return s.get()
    })
    const d = computed(() => c.get() + 1)
    expect(d.get()).toBe(1)
    s.set(-1)
    expect(() => d.get()).toThrow(RangeError)
    expect(() => c.get()).toThrow('negative')
    s.set(5)
    expect(d.get()).toBe(6)
    expect(c.get()).toBe(5)
  })

  it('sees new values inside a batch', () => {
    const s = signal(1)
    const c = computed(() => s.get() + 1)
    batch(() => {
      s.set(10)
      expect(c.get()).toBe(11)
    })
  })

  it('updates a 3,000-level chain (deeper than cellx 2500)', () => {
    const s = signal(0)
    let c = computed(() => s.get())
    for (let i = 0; i < 3000; i++) {
      const prev = c
      c = computed(() => prev.get() + 1)
      c.get() // prime level by level, so only the update below walks the whole chain
    }
    const last = c
    let runs = 0
    effect(() => {
      last.get()
      runs++
    })
    s.set(1)
    expect(last.get()).toBe(3001)
    expect(runs).toBe(2)
  })

  it('recomputes a node whose dep, while refreshing for it, peeked at it', () => {
    // the nested peek finds `n` PENDING with the dep RUNNING, so it clears `n`'s PENDING;
    // the dep's change must still make the outer check recompute `n`
    const s = signal(0)
    let n: Computed<number> | undefined
    const dep = computed(() => {
      const v = s.get()
      if (v === 1) n!.peek()
      return v
    })
    n = computed(() => dep.get() * 10)
    expect(n.get()).toBe(0)
    s.set(1)
    expect(n.get()).toBe(10)
  })

  it('a chain too deep for the stack throws RangeError, loudly every time, and the rest of the graph keeps working', () => {
    // The graph's walks recurse (decision 0007). A 50,000-level chain fed by a signal every
    // 500 levels: writing the signals bottom-up in one batch marks it 500 levels at a time
    // (marking stops at nodes already marked), so the overflow comes from the effect's
    // check inside the batch's flush.
    const feeds: Signal<number>[] = []
    let c = computed(() => 0)
    for (let i = 0; i < 50_000; i++) {
      const prev = c
      const feed = i % 500 === 0 ? signal(0) : undefined
      if (feed) feeds.push(feed)
      c = feed ? computed(() => prev.get() + feed.get()) : computed(() => prev.get() + 1)
      c.get() // prime level by level
    }
    const last = c
    const boom = signal(0)
    effect(() => {
      if (boom.get() === 1) throw new Error('boom')
    })
    const t = signal(0)
    const seenT: number[] = []
    effect(() => {
      last.get()
      seenT.push(t.get())
    })
    let thrown: unknown
    try {
      batch(() => {
        boom.set(1)
        for (let i = feeds.length - 1; i >= 0; i--) feeds[i]!.set(1)
      })
    } catch (err) {
      thrown = err
    }
    // reported by the flush that overflowed, beside the other effect's error
    expect(thrown).toBeInstanceOf(AggregateError)
    expect((thrown as AggregateError).errors.map((e: Error) => e.constructor)).toEqual([Error, RangeError])
    // the effect is not left dead: a write to one of its deps checks it again (and overflows again)
    expect(() => t.set(1)).toThrow(RangeError)
    expect(seenT).toEqual([0])
    // the flush did not leave the graph batching, and no error is left over for an unrelated write
    const a = signal(0)
    const seen: number[] = []
    effect(() => {
      seen.push(a.get())
    })
    expect(() => a.set(1)).not.toThrow()
    expect(seen).toEqual([0, 1])
  })
})
