import { describe, expect, it } from 'vitest'
import { TokenBucket } from './rate-limit.js'

describe('TokenBucket', () => {
  it('allows a burst, refuses after, refills with time', () => {
    let now = 0
    const b = new TokenBucket(10, 3, () => now)
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false])
    now += 100 // one token
    expect([b.take(), b.take()]).toEqual([true, false])
    now += 10_000
    expect(b.take(3)).toBe(true)
    expect(b.take()).toBe(false)
  })
})
