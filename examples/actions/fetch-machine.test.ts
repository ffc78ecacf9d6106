import { InvalidTransitionError } from '@strata/actions'
import { describe, expect, it } from 'vitest'
import { main } from './fetch-machine.js'

describe('fetch state machine (seed 002)', () => {
  it('goes through error and retry to success against a real server; invalid events are reported', async () => {
    const out = await main(() => undefined)
    expect(out.states).toEqual(['idle', 'loading', 'error', 'loading', 'success'])
    expect(out.snapshot).toEqual({
      state: 'success',
      context: { data: ['order-1', 'order-2'], error: null, attempts: 2 },
    })
    expect(out.invalid).toBeInstanceOf(InvalidTransitionError)
    expect((out.invalid as Error).message).toBe(
      'Machine "orders": state "success" has no transition for event "RETRY"',
    )
  })
})
