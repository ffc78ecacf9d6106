import { describe, expect, it } from 'vitest'
import { main } from './cart-summary.js'

describe('computed cart summary (seed 001)', () => {
  it('derives totals from three stores and follows their changes', async () => {
    const { before, after } = await main(() => undefined)
    expect(before).toEqual({
      itemCount: 1,
      invalidItemCount: 1,
      subtotal: 200,
      discount: 0,
      tax: 20,
      total: 220,
      hasInvalidItems: true,
    })
    expect(after.discount).toBe(20)
    expect(after.tax).toBe(18)
    expect(after.total).toBe(198)
  })
})
