import { computed, signal } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { InvalidTransitionError } from '../errors.js'
import { createMachine } from './machine.js'

type Ev =
  | { type: 'FETCH' }
  | { type: 'SUCCESS'; data: string }
  | { type: 'ERROR'; error: string }
  | { type: 'RETRY' }
type St = 'idle' | 'loading' | 'success' | 'error'
interface Ctx {
  data: string | null
  error: string | null
  retries: number
}

const fetcher = () =>
  createMachine<St, Ev, Ctx>({
    name: 'fetch',
    initial: 'idle',
    context: { data: null, error: null, retries: 0 },
    states: {
      idle: { on: { FETCH: 'loading' } },
      loading: {
        on: {
          SUCCESS: { target: 'success', assign: (c, e) => ({ ...c, data: e.data, error: null }) },
          ERROR: { target: 'error', assign: (c, e) => ({ ...c, error: e.error }) },
        },
      },
      success: { on: { FETCH: 'loading' } },
      error: {
        on: {
          RETRY: {
            target: 'loading',
            guard: (c) => c.retries < 2,
            assign: (c) => ({ ...c, retries: c.retries + 1 }),
          },
        },
      },
    },
  })

describe('createMachine', () => {
  it('follows the transition table and updates context; it is a store', () => {
    const m = fetcher()
    const states: St[] = []
    m.subscribe((s) => states.push(s.state))
    const label = computed(() => (m.matches('loading') ? 'Loading…' : m.get().state))
    m.send({ type: 'FETCH' })
    expect(label.get()).toBe('Loading…')
    m.send({ type: 'SUCCESS', data: 'rows' })
    expect(m.peek()).toEqual({ state: 'success', context: { data: 'rows', error: null, retries: 0 } })
    expect(states).toEqual(['idle', 'loading', 'success'])
    expect(label.get()).toBe('success')
  })

  it('an event not accepted in the current state throws and leaves the state unchanged', () => {
    const m = fetcher()
    const before = m.peek()
    let err: unknown
    try {
      m.send({ type: 'SUCCESS', data: 'late' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidTransitionError)
    expect((err as InvalidTransitionError).message).toBe(
      'Machine "fetch": state "idle" has no transition for event "SUCCESS"',
    )
    expect(m.peek()).toBe(before)
    expect(m.can({ type: 'FETCH' })).toBe(true)
  })

  it('a guard refuses an event with reason "guard"', () => {
    const m = fetcher()
    for (let i = 0; i < 2; i++) {
      m.send({ type: m.peek().state === 'idle' ? 'FETCH' : 'RETRY' })
      m.send({ type: 'ERROR', error: 'e' })
    }
    m.send({ type: 'RETRY' })
    m.send({ type: 'ERROR', error: 'e' })
    expect(m.peek().context.retries).toBe(2)
    expect(m.can({ type: 'RETRY' })).toBe(false)
    expect(() => m.send({ type: 'RETRY' })).toThrow(
      expect.objectContaining({ reason: 'guard', state: 'error' }),
    )
    m.reset()
    expect(m.peek().state).toBe('idle')
  })

  it('works with other stores in computed', () => {
    const m = fetcher()
    const user = signal('ada')
    const title = computed(() => `${user.get()}: ${m.get().state}`)
    m.send({ type: 'FETCH' })
    expect(title.get()).toBe('ada: loading')
  })
})

describe('untrusted events named after Object.prototype members', () => {
  const make = () =>
    createMachine<'idle' | 'busy', { type: 'GO' }, null>({
      initial: 'idle',
      context: null,
      states: { idle: { on: { GO: 'busy' } }, busy: {} },
    })

  it('send({ type: "toString" }) is refused with InvalidTransitionError; the machine keeps working', () => {
    const m = make()
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const ev = JSON.parse(`{"type":"${type}"}`) as { type: 'GO' }
      expect(() => m.send(ev)).toThrow(InvalidTransitionError)
      expect(m.get().state).toBe('idle')
    }
    m.send({ type: 'GO' })
    expect(m.get().state).toBe('busy')
  })

  it('can({ type: "constructor" }) is false, not a TypeError', () => {
    const m = make()
    expect(m.can(JSON.parse('{"type":"constructor"}'))).toBe(false)
    expect(m.can(JSON.parse('{"type":"toString"}'))).toBe(false)
    m.send({ type: 'GO' })
    // a state with no `on` table at all
    expect(m.can(JSON.parse('{"type":"toString"}'))).toBe(false)
  })
})
