import { describe, expect, it } from 'vitest'
import { main } from './checkout.js'

describe('checkout with rollback (seed 001)', () => {
  it('a declined payment leaves every store as it was and observers saw nothing', async () => {
    const out = await main(() => undefined)
    expect(out.declined).toMatchObject({ aborted: true, success: false })
    expect(out.declined.abortReason).toBe('Payment processing failed: card declined')
    expect(out.seenOnFailure).toEqual([])
  })

  it('a successful payment commits order, cart and inventory once, with the confirmed order', async () => {
    const out = await main(() => undefined)
    expect(out.paid.success).toBe(true)
    expect(out.seen).toEqual(['order:confirmed', 'cart', 'inventory'])
    expect(out.order).toMatchObject({ status: 'confirmed', total: 240, userId: 'u1' })
    expect(out.cart).toEqual({ items: [] })
    expect(out.stock).toBe(8)
  })
})
