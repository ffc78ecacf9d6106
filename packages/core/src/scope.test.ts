import { describe, expect, it } from 'vitest'
import { effect, onCleanup } from './effect.js'
import { effectScope } from './scope.js'
import { signal } from './signal.js'

describe('effectScope', () => {
  it('disposes every effect created inside, including nested scopes', () => {
    const s = signal(0)
    const log: string[] = []
    const stop = effectScope(() => {
      effect(() => {
        log.push(`a${s.get()}`)
      })
      effectScope(() => {
        effect(() => {
          log.push(`b${s.get()}`)
        })
      })
      onCleanup(() => log.push('scope cleanup'))
    })
    s.set(1)
    stop()
    s.set(2)
    expect(log).toEqual(['a0', 'b0', 'a1', 'b1', 'scope cleanup'])
  })

  it('does not track reads in its own body', () => {
    const s = signal(0)
    let runs = 0
    effectScope(() => {
      runs++
      s.get()
    })
    s.set(1)
    expect(runs).toBe(1)
  })

  it('runs every cleanup on dispose even when one throws and another writes a store nobody watches', () => {
    const closed = signal(false)
    const log: string[] = []
    const stop = effectScope(() => {
      effect(() => () => {
        throw new Error('first cleanup')
      })
      effect(() => () => {
        closed.set(true)
        log.push('second cleanup')
      })
    })
    expect(() => stop()).toThrow('first cleanup')
    expect(log).toEqual(['second cleanup'])
    expect(closed.get()).toBe(true)
  })
})
