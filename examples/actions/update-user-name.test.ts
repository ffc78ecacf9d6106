import { ActionValidationError } from '@strata/actions'
import { describe, expect, it } from 'vitest'
import { main } from './update-user-name.js'

describe('single-store action with validation (seed 001)', () => {
  it('updates on valid input; aborts with a reason or a typed error otherwise, store unchanged', async () => {
    const out = await main(() => undefined)
    expect(out.ok).toBe(true)
    expect(out.name).toBe('Grace')
    expect(out.seen).toEqual(['Grace'])
    expect(out.empty).toMatchObject({ aborted: true, abortReason: 'Name cannot be empty', success: false })
    expect(out.wrongType.error).toBeInstanceOf(ActionValidationError)
    expect(out.wrongType.handlersRun).toEqual([])
  })
})
