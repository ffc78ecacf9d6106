import { describe, expect, it } from 'vitest'
import { batch } from './batch.js'
import { effect } from './effect.js'
import { signal } from './signal.js'

describe('batch', () => {
  it('returns the value of fn and defers effects to the outermost batch', () => {
    const s = signal(0)
    const seen: number[] = []
    effect(() => {
      seen.push(s.get())
    })
    const r = batch(() => {
      s.set(1)
      batch(() => s.set(2))
      expect(seen).toEqual([0])
      return 'done'
    })
    expect(r).toBe('done')
    expect(seen).toEqual([0, 2])
  })

  it('still flushes when fn throws', () => {
    const s = signal(0)
    const seen: number[] = []
    effect(() => {
      seen.push(s.get())
    })
    expect(() =>
      batch(() => {
        s.set(1)
        throw new Error('stop')
      }),
    ).toThrow('stop')
    expect(seen).toEqual([0, 1])
  })
})
