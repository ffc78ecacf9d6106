import { describe, expect, it } from 'vitest'
import { main } from './cart-summary.js'

describe('computed cart summary (seed 001)', () => {
  it('derives totals from three stores and the action reads it', async () => {
    const out = await main(() => undefined)
    expect(out.totals).toEqual([0, 108, 0]) // 100 - 10% gold discount + 20% tax
    expect(out.empty.abortReason).toBe('Cart total must be greater than zero')
    expect(out.ok.result).toEqual({ valid: true, total: 108 })
    expect(out.soldOut.abortReason).toBe('1 items are no longer available')
    expect(out.summary).toMatchObject({ itemCount: 0, invalidItemCount: 1 })
  })
})
