import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { computed } from './computed.js'
import { effect } from './effect.js'
import { NotAStoreError } from './errors.js'
import { onMount, setUnmountDelay } from './lifecycle.js'
import { signal } from './signal.js'

describe('onMount', () => {
  beforeEach(() => setUnmountDelay(0))
  afterEach(() => setUnmountDelay(1000))

  it('starts on the first observer and stops when the last leaves', () => {
    const s = signal(0)
    const log: string[] = []
    onMount(s, () => {
      log.push('start')
      return () => log.push('stop')
    })
    expect(log).toEqual([])
    const off1 = s.subscribe(() => {})
    const off2 = s.listen(() => {})
    expect(log).toEqual(['start'])
    off1()
    expect(log).toEqual(['start'])
    off2()
    expect(log).toEqual(['start', 'stop'])
    const off3 = s.subscribe(() => {})
    expect(log).toEqual(['start', 'stop', 'start'])
    off3()
  })

  it('mounts through computeds and effects, and a value set in start is seen at once', () => {
    const s = signal('cold')
    onMount(s, () => {
      s.set('warm')
      return () => s.set('cold')
    })
    const c = computed(() => s.get().toUpperCase())
    const seen: string[] = []
    const stop = effect(() => {
      seen.push(c.get())
    })
    expect(seen).toEqual(['WARM'])
    stop()
    expect(s.get()).toBe('cold')
  })

  it('waits for the unmount delay before stopping', () => {
    vi.useFakeTimers()
    try {
      setUnmountDelay(1000)
      const s = signal(0)
      const log: string[] = []
      onMount(s, () => {
        log.push('start')
        return () => log.push('stop')
      })
      s.subscribe(() => {})()
      vi.advanceTimersByTime(500)
      const off = s.subscribe(() => {}) // back before the delay: no restart
      vi.advanceTimersByTime(1000)
      expect(log).toEqual(['start'])
      off()
      vi.advanceTimersByTime(999)
      expect(log).toEqual(['start'])
      vi.advanceTimersByTime(1)
      expect(log).toEqual(['start', 'stop'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('a handler added during the unmount delay starts at once and stops with the others', () => {
    vi.useFakeTimers()
    try {
      setUnmountDelay(1000)
      const s = signal(0)
      const log: string[] = []
      onMount(s, () => {
        log.push('a')
        return () => log.push('stop a')
      })
      s.subscribe(() => {})()
      onMount(s, () => {
        log.push('b')
        return () => log.push('stop b')
      })
      expect(log).toEqual(['a', 'b'])
      vi.advanceTimersByTime(1000)
      expect(log).toEqual(['a', 'b', 'stop a', 'stop b'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('a computed that start makes throw throws to the reader that mounted it', () => {
    const s = signal(1)
    const c = computed(() => {
      if (s.get() > 1) throw new Error('boom')
      return s.get()
    })
    c.get() // clean and linked to s, but unobserved
    onMount(c, () => {
      s.set(2)
    })
    let seen: unknown
    const stop = effect(() => {
      try {
        seen = c.get()
      } catch (e) {
        seen = `threw ${(e as Error).message}`
      }
    })
    expect(seen).toBe('threw boom')
    stop()
  })

  it('starts at once when the store is already observed', () => {
    const s = signal(0)
    const off = s.subscribe(() => {})
    let started = false
    onMount(s, () => {
      started = true
    })
    expect(started).toBe(true)
    off()
  })

  it('rejects something that is not a core store', () => {
    const fake = { get: () => 1, peek: () => 1, subscribe: () => () => {}, listen: () => () => {} }
    expect(() => onMount(fake, () => {})).toThrow(NotAStoreError)
  })

  it('the returned function removes the handler', () => {
    const s = signal(0)
    let starts = 0
    const remove = onMount(s, () => {
      starts++
    })
    remove()
    s.subscribe(() => {})()
    expect(starts).toBe(0)
  })

  it('a stop that throws while an effect re-runs is reported by that write, and effects keep running', () => {
    const s = signal(0)
    onMount(s, () => () => {
      throw new Error('stop')
    })
    const on = signal(true)
    let runs = 0
    effect(() => {
      runs++
      if (on.get()) s.get()
    })
    // the re-run drops `s`, whose last observer leaves: its stop throws (delay 0)
    expect(() => on.set(false)).toThrow('stop')
    on.set(true) // the effect was left idle, not dead
    expect(runs).toBe(3)
    const a = signal(0)
    const seen: number[] = []
    effect(() => {
      seen.push(a.get())
    })
    a.set(1)
    expect(seen).toEqual([0, 1])
  })

  it('a stop that throws while a computed drops the store still lets the change reach its readers', () => {
    const s = signal(5)
    onMount(s, () => () => {
      throw new Error('stop')
    })
    const on = signal(true)
    const c = computed(() => (on.get() ? s.get() : 0))
    const d = computed(() => c.get() * 10)
    const seenC: number[] = []
    const seenD: number[] = []
    effect(() => {
      seenC.push(c.get())
    })
    effect(() => {
      seenD.push(d.get())
    })
    expect(() => on.set(false)).toThrow('stop')
    expect([c.get(), d.get()]).toEqual([0, 0])
    expect(seenC).toEqual([5, 0])
    expect(seenD).toEqual([50, 0])
  })

  it('a stop that throws while an owner re-runs and disposes its child still runs the child cleanup', () => {
    const s = signal(0)
    onMount(s, () => () => {
      throw new Error('stop')
    })
    const k = signal(0)
    const log: string[] = []
    effect(() => {
      const n = k.get()
      log.push(`owner ${n}`)
      effect(() => {
        s.get()
        return () => log.push(`child ${n} cleanup`)
      })
    })
    expect(() => k.set(1)).toThrow('stop')
    expect(log).toEqual(['owner 0', 'child 0 cleanup', 'owner 1'])
  })

  it('a stop that throws after the unmount delay is thrown by the timer, and the store mounts again later', () => {
    vi.useFakeTimers()
    try {
      setUnmountDelay(1000)
      const s = signal(0)
      let starts = 0
      onMount(s, () => {
        starts++
        return () => {
          throw new Error('stop')
        }
      })
      s.subscribe(() => {})()
      expect(() => vi.advanceTimersByTime(1000)).toThrow('stop')
      const off = s.subscribe(() => {})
      expect(starts).toBe(2)
      off()
      // nothing was left over for an unrelated write
      expect(() => signal(0).set(1)).not.toThrow()
    } finally {
      vi.useRealTimers()
    }
  })

  it('a stop that throws does not keep the other handlers of the store from stopping', () => {
    const s = signal(0)
    const log: string[] = []
    onMount(s, () => () => {
      throw new Error('stop')
    })
    onMount(s, () => () => log.push('second stop'))
    const off = s.subscribe(() => {})
    expect(() => off()).toThrow('stop')
    expect(log).toEqual(['second stop'])
  })
})
