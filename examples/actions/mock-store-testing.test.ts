// Seed 001 "Testing Store Integration": the same scenario against real core stores and
// against a minimal in-test stand-in that implements the store contract. Both must give
// the same outcome; the stand-in additionally records writes, as a test double may.
import { signal, type WritableStore } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { createUserActions, main, type Settings, type User } from './mock-store-testing.js'

/** A stand-in store: just the contract, no reactive graph; records every write. */
function standIn<T>(initial: T): WritableStore<T> & { writes: T[] } {
  let value = initial
  const listeners = new Set<(v: T, old: T) => void>()
  const writes: T[] = []
  const set = (next: T) => {
    writes.push(next)
    if (Object.is(next, value)) return
    const old = value
    value = next
    for (const fn of [...listeners]) fn(next, old)
  }
  return {
    writes,
    get: () => value,
    peek: () => value,
    set,
    update: (fn) => set(fn(value)),
    listen(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    subscribe(fn) {
      fn(value)
      return this.listen((v) => fn(v))
    },
  }
}

const john: User = { id: '1', name: 'John', email: 'john@example.com', updatedAt: 0 }
const makers = { 'real core stores': signal, 'in-test stand-in stores': standIn } as const

describe.each(Object.entries(makers))('updateUser action with %s (seed 001 testing)', (_, make) => {
  const setup = (settings: Settings) => {
    const user = make<User>(john)
    const seen: string[] = []
    user.listen((u) => seen.push(u.name))
    const actions = createUserActions({ user, settings: make(settings) }, () => 42)
    return { user, seen, actions }
  }

  it('updates the user with valid data', async () => {
    const { user, seen, actions } = setup({ validateNames: true })
    const r = await actions.dispatchWithResult('updateUser', { name: 'Jane Doe' })
    expect(r.success).toBe(true)
    expect(user.get()).toEqual({ ...john, name: 'Jane Doe', updatedAt: 42 })
    expect(seen).toEqual(['Jane Doe'])
  })

  it('aborts on an empty name when validation is on, writing nothing', async () => {
    const { user, seen, actions } = setup({ validateNames: true })
    const r = await actions.dispatchWithResult('updateUser', { name: '  ' })
    expect([r.aborted, r.abortReason]).toEqual([true, 'Name cannot be empty'])
    expect(user.get()).toBe(john)
    expect(seen).toEqual([])
  })

  it('reads the settings store at run time (validation off lets it through)', async () => {
    const { user, actions } = setup({ validateNames: false })
    await actions.dispatch('updateUser', { name: '' })
    expect(user.get().name).toBe('')
  })
})

describe('the stand-in is a faithful store and records writes', () => {
  it('matches a real signal on the same writes and keeps a write log', () => {
    const real = signal(1)
    const fake = standIn(1)
    const seenReal: number[] = []
    const seenFake: number[] = []
    real.subscribe((v) => seenReal.push(v))
    fake.subscribe((v) => seenFake.push(v))
    for (const s of [real, fake]) {
      s.set(2)
      s.set(2)
      s.update((v) => v * 5)
    }
    expect(seenFake).toEqual(seenReal)
    expect(seenReal).toEqual([1, 2, 10])
    expect(fake.writes).toEqual([2, 2, 10])
  })

  it('the example runs end to end with real stores', async () => {
    expect(await main(() => undefined)).toEqual({
      ok: true,
      name: 'Jane Doe',
      emptyAborted: true,
      abortReason: 'Name cannot be empty',
    })
  })
})
