import { describe, expect, it } from 'vitest'
import { main } from './safe-operations.js'

describe('safe operations with validation (seed 003)', () => {
  it('returns typed failures and keeps invalid data out of the store', async () => {
    const out = await main(() => undefined)
    expect(out.created.success).toBe(true)
    expect(out.invalidCreate.success).toBe(false)
    expect(out.invalidUpdate).toMatchObject({ success: false, code: 'event_invalid' })
    expect(out.invalidUpdate.success === false && out.invalidUpdate.error).toMatch(
      /v1.PersonaUpdated.*updates.name/,
    )
    expect(out.missing).toMatchObject({ success: false, code: 'not_found' })
    expect(out.ok).toEqual({ success: true })
    expect(out.names).toEqual([{ name: 'Sage II' }])
  })
})
