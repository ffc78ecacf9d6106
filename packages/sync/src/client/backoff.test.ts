import { describe, expect, it } from 'vitest'
import { SyncConfigError } from '../errors.js'
import { backoffDelay, createReconnector } from './backoff.js'
import type { Clock } from './clock.js'

/** A fake clock for this unit only: time moves when the test says so. */
function fakeClock() {
  let now = 0
  let nextId = 1
  const timers = new Map<number, { at: number; fn: () => void }>()
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++
      timers.set(id, { at: now + ms, fn })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
  }
  const advance = (ms: number) => {
    const until = now + ms
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      timers.delete(due[0])
      now = due[1].at
      due[1].fn()
    }
    now = until
  }
  return { clock, advance, pending: () => timers.size }
}

describe('backoffDelay', () => {
  it('grows exponentially up to the cap when jitter is off', () => {
    const o = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0 }
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, o))).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('keeps (1-jitter) of the delay fixed and randomises the rest', () => {
    const o = { initialDelayMs: 1000, jitter: 0.5 }
    expect(backoffDelay(0, { ...o, random: () => 0 })).toBe(500)
    expect(backoffDelay(0, { ...o, random: () => 0.999999 })).toBe(1000)
    expect(backoffDelay(0, { ...o, random: () => 0.5 })).toBe(750)
  })

  it('spreads simultaneous clients over the window (no lock-step retries)', () => {
    const delays = new Set<number>()
    for (let i = 0; i < 50; i++) delays.add(backoffDelay(4, { initialDelayMs: 100 }))
    expect(delays.size).toBeGreaterThan(10)
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(800)
    for (const d of delays) expect(d).toBeLessThanOrEqual(1600)
  })
})

describe('createReconnector', () => {
  it('runs after each delay, longer each time, and starts over after reset()', () => {
    const { clock, advance } = fakeClock()
    let runs = 0
    const r = createReconnector(() => runs++, { clock, initialDelayMs: 100, jitter: 0 })
    expect(r.schedule()).toBe(100)
    advance(99)
    expect(runs).toBe(0)
    advance(1)
    expect(runs).toBe(1)
    expect(r.schedule()).toBe(200)
    advance(200)
    expect(runs).toBe(2)
    expect(r.schedule()).toBe(400)
    expect(r.attempt).toBe(3)
    r.reset()
    advance(400)
    expect(runs).toBe(3)
    expect(r.schedule()).toBe(100)
  })

  it('cancel() stops a scheduled retry; schedule() replaces a pending one', () => {
    const { clock, advance, pending } = fakeClock()
    let runs = 0
    const r = createReconnector(() => runs++, { clock, initialDelayMs: 100, jitter: 0 })
    r.schedule()
    r.schedule()
    expect(pending()).toBe(1)
    expect(r.scheduled).toBe(true)
    r.cancel()
    expect(r.scheduled).toBe(false)
    advance(10_000)
    expect(runs).toBe(0)
  })

  it.each([
    [{ initialDelayMs: 0 }, 'backoff.initialDelayMs'],
    [{ maxDelayMs: Number.NaN }, 'backoff.maxDelayMs'],
    [{ factor: 0.5 }, 'backoff.factor'],
    [{ jitter: 1.5 }, 'backoff.jitter'],
  ])('rejects bad option %o with a SyncConfigError naming %s', (bad, option) => {
    const { clock } = fakeClock()
    let caught: unknown
    try {
      createReconnector(() => {}, { clock, ...bad })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(SyncConfigError)
    expect((caught as SyncConfigError).option).toBe(option)
    expect((caught as SyncConfigError).code).toBe('config')
  })
})
