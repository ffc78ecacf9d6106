import { describe, expect, it } from 'vitest'
import { main } from './optimistic-items.js'

describe('optimistic items (seed 002)', () => {
  it('shows changes at once, confirms from the server, rolls back only the rejected one', async () => {
    const out = await main(() => undefined)
    expect(out.shown[1]).toEqual(['milk'])
    expect(out.shown[2]).toEqual(['milk', 'forbidden'])
    expect(out.pendingWhileInFlight).toEqual(['add milk', 'add forbidden'])
    expect(out.ra.status).toBe('fulfilled')
    expect(out.rb.status === 'rejected' && (out.rb.reason as Error).message).toBe('rejected by server')
    expect(out.items).toEqual([{ id: 's1', text: 'oat milk' }])
    expect(out.pendingAfter).toEqual([])
    expect(out.shown.some((l) => l.length === 0 && out.shown.indexOf(l) > 0)).toBe(false)
  })
})
