import { describe, expect, it } from 'vitest'
import { main } from './add-to-cart.js'

describe('add to cart reading three stores (seed 001)', () => {
  it('adds and merges lines; refuses with reasons and leaves the cart unchanged', async () => {
    const out = await main(() => undefined)
    expect(out.items).toEqual([{ id: 'line-1', productId: 'p1', quantity: 3, price: 100 }])
    expect(out.reasons).toEqual(['Only 5 items available', 'Product not found', 'User must be logged in'])
  })
})
