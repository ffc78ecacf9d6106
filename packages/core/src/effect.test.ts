import { describe, expect, it } from 'vitest'
import { batch } from './batch.js'
import { computed } from './computed.js'
import { effect, onCleanup } from './effect.js'
import { signal } from './signal.js'

describe('effect', () => {
  it('runs at once and after each change, until disposed', () => {
    const s = signal(1)
    const seen: number[] = []
    const stop = effect(() => {
      seen.push(s.get())
    })
    s.set(2)
    stop()
    s.set(3)
    expect(seen).toEqual([1, 2])
  })

  it('runs the returned cleanup and onCleanup before re-running and on dispose', () => {
    const s = signal(1)
    const log: string[] = []
    const stop = effect(() => {
      const v = s.get()
      log.push(`run ${v}`)
      onCleanup(() => log.push(`onCleanup ${v}`))
      return () => log.push(`cleanup ${v}`)
    })
    s.set(2)
    stop()
    expect(log).toEqual(['run 1', 'onCleanup 1', 'cleanup 1', 'run 2', 'onCleanup 2', 'cleanup 2'])
  })

  it('onCleanup with a falsy argument (plain JS: `onCleanup(timer && stop)`) registers nothing', () => {
    const s = signal(1)
    let runs = 0
    const stop = effect(() => {
      s.get()
      runs++
      onCleanup(null as never)
      onCleanup(false as never)
    })
    const double = computed(() => {
      onCleanup(undefined as never)
      return s.get() * 2
    })
    const stopReader = effect(() => {
      double.get()
    })
    expect(() => s.set(2)).not.toThrow()
    expect(runs).toBe(2)
    expect(() => {
      stopReader()
      stop()
    }).not.toThrow()
    expect(() => s.set(3)).not.toThrow()
  })

  it('owns nested effects: they are disposed when the parent re-runs or is disposed', () => {
    const outer = signal(0)
    const inner = signal(0)
    const log: string[] = []
    const stop = effect(() => {
      const o = outer.get()
      effect(() => {
        log.push(`inner ${o}:${inner.get()}`)
        return () => log.push(`dispose inner ${o}`)
      })
    })
    inner.set(1)
    outer.set(1)
    inner.set(2)
    stop()
    inner.set(3)
    expect(log).toEqual([
      'inner 0:0',
      'dispose inner 0',
      'inner 0:1',
      'dispose inner 0',
      'inner 1:1',
      'dispose inner 1',
      'inner 1:2',
      'dispose inner 1',
    ])
  })

  it('runs a parent before its child when both depend on a change', () => {
    const s = signal(0)
    const log: string[] = []
    effect(() => {
      const v = s.get()
      log.push(`parent ${v}`)
      effect(() => {
        log.push(`child ${v} sees ${s.get()}`)
      })
    })
    s.set(1)
    expect(log).toEqual(['parent 0', 'child 0 sees 0', 'parent 1', 'child 1 sees 1'])
  })

  it('an effect error does not stop other effects and is re-thrown after the flush', () => {
    const s = signal(0)
    const seen: number[] = []
    effect(() => {
      if (s.get() === 1) throw new Error('boom')
    })
    effect(() => {
      seen.push(s.get())
    })
    expect(() => s.set(1)).toThrow('boom')
    expect(seen).toEqual([0, 1])
    s.set(2)
    expect(seen).toEqual([0, 1, 2])
  })

  it('several effect errors are re-thrown together as an AggregateError', () => {
    const s = signal(0)
    effect(() => {
      if (s.get()) throw new Error('a')
    })
    effect(() => {
      if (s.get()) throw new Error('b')
    })
    let caught: unknown
    try {
      s.set(1)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(AggregateError)
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['a', 'b'])
  })

  it('an error in the first run is thrown to the caller and the effect is disposed', () => {
    const s = signal(0)
    let runs = 0
    expect(() =>
      effect(() => {
        runs++
        s.get()
        throw new TypeError('first')
      }),
    ).toThrow(TypeError)
    s.set(1)
    expect(runs).toBe(1)
  })

  it('re-runs once per batch', () => {
    const a = signal(1)
    const b = signal(2)
    const sum = computed(() => a.get() + b.get())
    const seen: number[] = []
    effect(() => {
      seen.push(sum.get())
    })
    batch(() => {
      a.set(10)
      b.set(20)
    })
    expect(seen).toEqual([3, 30])
  })

  it('writes inside an effect are applied after it, in the same flush', () => {
    const src = signal(1)
    const copy = signal(0)
    const seen: number[] = []
    effect(() => {
      copy.set(src.get() * 2)
    })
    effect(() => {
      seen.push(copy.get())
    })
    src.set(2)
    expect(seen).toEqual([2, 4])
  })

  it('does not re-trigger itself through its own writes', () => {
    const s = signal(0)
    let runs = 0
    effect(() => {
      runs++
      s.set(s.get() + 1)
    })
    expect(runs).toBe(1)
    expect(s.get()).toBe(1)
  })
})

describe('effect cleanups that throw', () => {
  it('are reported after the flush and do not break the graph', () => {
    const s = signal(0)
    const seen: number[] = []
    const stop = effect(() => {
      const v = s.get()
      seen.push(v)
      return () => {
        if (v === 0) throw new Error('cleanup 0')
      }
    })
    expect(() => s.set(1)).toThrow('cleanup 0')
    s.set(2)
    expect(seen).toEqual([0, 1, 2])
    stop()
    s.set(3)
    expect(seen).toEqual([0, 1, 2])
  })

  it('a throwing cleanup is re-thrown by the disposer', () => {
    const stop = effect(() => () => {
      throw new Error('bye')
    })
    expect(() => stop()).toThrow('bye')
  })

  it('a throwing cleanup does not keep the ones registered after it from running', () => {
    const s = signal(0)
    const log: string[] = []
    const stop = effect(() => {
      const v = s.get()
      onCleanup(() => {
        throw new Error(`first ${v}`)
      })
      onCleanup(() => log.push(`second ${v}`))
    })
    expect(() => s.set(1)).toThrow('first 0')
    expect(() => stop()).toThrow('first 1')
    expect(log).toEqual(['second 0', 'second 1'])
  })
})
